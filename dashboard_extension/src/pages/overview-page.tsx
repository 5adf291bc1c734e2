import { Box, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { FormattedMessage } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { GraphQLRequestError } from "../lib/graphql";
import { readInstallation } from "../lib/installation";
import { INSTALLATION_QUERY } from "../lib/installation.documents";
import { pathFor } from "../lib/routes";
import { useGraphQLClient } from "../providers/data-provider";
import { PageTitle } from "../shell/page-layout";
import { AppLink } from "../components/app-link";

export const OverviewPage = () => {
  const client = useGraphQLClient();
  const installation = useQuery({
    queryKey: ["installation"],
    queryFn: async ({ signal }) => {
      const result = readInstallation(await client.execute(INSTALLATION_QUERY, undefined, { signal }));

      if (!result.ok) {
        throw new GraphQLRequestError(result);
      }

      return result.installation;
    },
  });

  return (
    <>
      <PageTitle>
        <FormattedMessage id="overview.title" />
      </PageTitle>
      {installation.isPending && <LoadingState label={<FormattedMessage id="overview.checking" />} />}
      {installation.isError && <ErrorState error={installation.error} onRetry={() => void installation.refetch()} />}
      {installation.isSuccess && (
        <StatusCard tone="success" testId="connection-status">
          <Text as="h2" size={6} fontWeight="bold">
            <FormattedMessage
              id="overview.connected"
              values={{ saleorApiUrl: installation.data.saleorApiUrl, appId: installation.data.appId }}
            />
          </Text>
          <Box display="flex" gap={4} flexWrap="wrap">
            <AppLink to={pathFor({ name: "journeys" })}>
              <FormattedMessage id="overview.toJourneys" />
            </AppLink>
            <AppLink to={pathFor({ name: "presets" })}>
              <FormattedMessage id="overview.toPresets" />
            </AppLink>
          </Box>
        </StatusCard>
      )}
    </>
  );
};
