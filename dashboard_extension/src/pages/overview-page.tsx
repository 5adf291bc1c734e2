import { Box, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { FormattedMessage, useIntl } from "react-intl";

import { presetRange } from "../analytics/date-range";
import { KpiCards } from "../analytics/kpi-cards";
import { kpiCards } from "../analytics/kpis";
import { useAnalyticsOverview } from "../analytics/use-analytics";
import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { GraphQLRequestError } from "../lib/graphql";
import { readInstallation } from "../lib/installation";
import { INSTALLATION_QUERY } from "../lib/installation.documents";
import { pathFor } from "../lib/routes";
import { checklistItems, checklistProgress, type SetupStep } from "../overview/checklist";
import { SETUP_CHECKLIST_QUERY } from "../overview/overview.documents";
import { useGraphQLClient } from "../providers/data-provider";
import { PageTitle } from "../shell/page-layout";

const SetupChecklist = () => {
  const client = useGraphQLClient();
  const intl = useIntl();
  const setup = useQuery({
    queryKey: ["setupChecklist"],
    queryFn: ({ signal }) =>
      client.request<{ setupChecklist: SetupStep[] }>(SETUP_CHECKLIST_QUERY, undefined, { signal }).then((data) => data.setupChecklist),
  });

  if (setup.isPending) {
    return <LoadingState label={intl.formatMessage({ id: "overview.setup.loading" })} />;
  }
  if (setup.isError) {
    return <ErrorState error={setup.error} onRetry={() => void setup.refetch()} />;
  }
  const items = checklistItems(setup.data);
  const progress = checklistProgress(items);
  return (
    <StatusCard tone={progress.complete ? "success" : "default"} testId="setup-checklist">
      <Text as="h2" size={6} fontWeight="bold">
        <FormattedMessage id="overview.setup.title" />
      </Text>
      <Text size={3} color="default2" data-testid="setup-progress">
        {progress.complete ? <FormattedMessage id="overview.setup.complete" /> : <FormattedMessage id="overview.setup.progress" values={progress} />}
      </Text>
      <Box as="ul" display="flex" flexDirection="column" gap={3} padding={0} margin={0} style={{ listStyle: "none" }}>
        {items.map((item) => (
          <Box as="li" key={item.key} display="flex" gap={3} alignItems="flex-start" data-testid={`setup-${item.key}`} data-done={item.done}>
            <Text
              size={2}
              fontWeight="bold"
              color={item.done ? "success1" : "default2"}
              style={{ minWidth: "4.5rem" }}
              data-testid="setup-state"
            >
              {intl.formatMessage({ id: item.done ? "overview.setup.stateDone" : "overview.setup.stateTodo" })}
            </Text>
            <Box display="flex" flexDirection="column" gap={1}>
              <Text size={3} data-testid="setup-text">
                {intl.formatMessage(
                  { id: item.messageId },
                  { ...item.values, ...(typeof item.values.at === "string" ? { at: new Date(item.values.at) } : {}) },
                )}
              </Text>
              {item.route && (
                <AppLink to={pathFor(item.route)}>
                  <FormattedMessage id={`overview.setup.${item.key}.link`} />
                </AppLink>
              )}
            </Box>
          </Box>
        ))}
      </Box>
    </StatusCard>
  );
};

const LastThirtyDays = () => {
  const intl = useIntl();
  const range = presetRange("last30", new Date());
  const overview = useAnalyticsOverview(range, true);

  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="overview-figures">
      <Box display="flex" gap={4} alignItems="baseline" flexWrap="wrap">
        <Text as="h2" size={6} fontWeight="bold">
          <FormattedMessage id="overview.figures.title" />
        </Text>
        <AppLink to={pathFor({ name: "analytics" })}>
          <FormattedMessage id="overview.figures.all" />
        </AppLink>
      </Box>
      {overview.isPending && <LoadingState label={intl.formatMessage({ id: "overview.figures.loading" })} />}
      {overview.isError && <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />}
      {overview.data && <KpiCards cards={kpiCards(overview.data)} complaintLine={overview.data.complaintLine} />}
    </Box>
  );
};

/** The app's home: the connection, what is left to set up, the last 30 days, shortcuts. */
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
        <Box display="flex" flexDirection="column" gap={8}>
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
              <AppLink to={pathFor({ name: "analytics" })}>
                <FormattedMessage id="overview.toAnalytics" />
              </AppLink>
            </Box>
          </StatusCard>
          <SetupChecklist />
          <LastThirtyDays />
        </Box>
      )}
    </>
  );
};
