import { Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { pathFor } from "../lib/routes";
import { PageTitle } from "../shell/page-layout";
import { AppLink } from "../components/app-link";

export const NotFoundPage = () => (
  <>
    <PageTitle>
      <FormattedMessage id="shell.notFound.title" />
    </PageTitle>
    <Text>
      <AppLink to={pathFor({ name: "overview" })}>
        <FormattedMessage id="shell.notFound.back" />
      </AppLink>
    </Text>
  </>
);

/** The journey editor is not part of this build. */
export const EditorMissingPage = () => (
  <>
    <PageTitle>
      <FormattedMessage id="shell.editorMissing.title" />
    </PageTitle>
    <Text>
      <AppLink to={pathFor({ name: "journeys" })}>
        <FormattedMessage id="shell.editorMissing.back" />
      </AppLink>
    </Text>
  </>
);
