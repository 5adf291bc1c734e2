import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ActivityChart, FunnelChart, RevenueCharts } from "../analytics/charts";
import { KpiCards } from "../analytics/kpi-cards";
import { kpiCards } from "../analytics/kpis";
import { rowLinks } from "../analytics/links";
import { PeriodText, RangePicker, useRangeState } from "../analytics/range-picker";
import { FunnelTable } from "../analytics/tables";
import { useAnalyticsOverview } from "../analytics/use-analytics";
import { PageTitle } from "../shell/page-layout";

/** `/analytics`: the shop's figures for a date range, against the previous one. */
export const AnalyticsPage = () => {
  const intl = useIntl();
  const { state, setState, check } = useRangeState();
  const overview = useAnalyticsOverview(check.ok ? check.range : null, state.compare);
  const data = overview.data;
  return (
    <>
      <PageTitle>{intl.formatMessage({ id: "analytics.title" })}</PageTitle>
      <RangePicker state={state} onChange={setState} check={check} />
      {check.ok && overview.isPending && <LoadingState label={intl.formatMessage({ id: "analytics.loading" })} />}
      {overview.isError && <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />}
      {data && (
        <Box display="flex" flexDirection="column" gap={8} aria-busy={overview.isFetching} data-testid="analytics-overview">
          <PeriodText period={data.period} previous={data.previousPeriod} />
          <KpiCards cards={kpiCards(data)} complaintLine={data.complaintLine} />
          <Box as="section" display="flex" flexDirection="column" gap={6}>
            <Text as="h2" size={7} fontWeight="bold">
              {intl.formatMessage({ id: "analytics.section.trends" })}
            </Text>
            <ActivityChart days={data.days} />
            <RevenueCharts days={data.days} />
            <FunnelChart funnel={data.current.funnel} />
          </Box>
          <Box as="section" display="flex" flexDirection="column" gap={6}>
            <Text as="h2" size={7} fontWeight="bold">
              {intl.formatMessage({ id: "analytics.section.top" })}
            </Text>
            <FunnelTable
              caption={intl.formatMessage({ id: "analytics.table.topJourneys" })}
              nameColumn={intl.formatMessage({ id: "analytics.table.journey" })}
              testId="top-journeys"
              empty={intl.formatMessage({ id: "analytics.table.noJourneys" })}
              withEntered
              rows={data.topJourneys.map((row) => {
                const links = rowLinks("journey", row.id);
                return {
                  key: row.id,
                  funnel: row.funnel,
                  label: links ? <AppLink to={links.editor}>{row.name}</AppLink> : row.name,
                  actions: links && (
                    <AppLink to={links.analytics} aria-label={intl.formatMessage({ id: "analytics.table.journeyAnalyticsOf" }, { name: row.name })}>
                      <Text size={3} color="accent1">
                        {intl.formatMessage({ id: "analytics.table.journeyAnalytics" })}
                      </Text>
                    </AppLink>
                  ),
                };
              })}
            />
            <FunnelTable
              caption={intl.formatMessage({ id: "analytics.table.topTemplates" })}
              nameColumn={intl.formatMessage({ id: "analytics.table.template" })}
              testId="top-templates"
              empty={intl.formatMessage({ id: "analytics.table.noTemplates" })}
              rows={data.topTemplates.map((row) => ({ key: row.id, funnel: row.funnel, label: row.name }))}
            />
            <FunnelTable
              caption={intl.formatMessage({ id: "analytics.table.channels" })}
              nameColumn={intl.formatMessage({ id: "analytics.table.channel" })}
              testId="overview-channels"
              empty={intl.formatMessage({ id: "analytics.table.noChannels" })}
              rows={data.channels.map((row) => ({ key: row.channel, funnel: row.funnel, label: row.channel }))}
            />
          </Box>
        </Box>
      )}
    </>
  );
};

export default AnalyticsPage;
