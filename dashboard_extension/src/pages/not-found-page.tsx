import { Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";
import { Link } from "react-router-dom";

import { pathFor } from "../lib/routes";
import { PageTitle } from "../shell/page-layout";

export const NotFoundPage = () => (
  <>
    <PageTitle>
      <FormattedMessage id="shell.notFound.title" />
    </PageTitle>
    <Text>
      <Link to={pathFor({ name: "overview" })}>
        <FormattedMessage id="shell.notFound.back" />
      </Link>
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
      <Link to={pathFor({ name: "journeys" })}>
        <FormattedMessage id="shell.editorMissing.back" />
      </Link>
    </Text>
  </>
);
