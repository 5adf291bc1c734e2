import { FormattedMessage } from "react-intl";

import { PageTitle } from "../shell/page-layout";
import { FailuresView } from "./failures-view";
import { SenderDomainView } from "./sender-domain-view";

/** `/operations`: what failed (retry or discard) and the sender domain's check. */
export const OperationsView = () => (
  <>
    <PageTitle>
      <FormattedMessage id="operations.title" />
    </PageTitle>
    <FailuresView />
    <SenderDomainView />
  </>
);
