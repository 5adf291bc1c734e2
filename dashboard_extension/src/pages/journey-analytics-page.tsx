import { Box, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useParams } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ActivityChart, FunnelChart, RevenueCharts } from "../analytics/charts";
import { previousRange } from "../analytics/date-range";
import { isBroadcast, versionChoices } from "../analytics/journey";
import { AbTestCard, BroadcastTestCard, HoldoutCard } from "../analytics/journey-results";
import { KpiCards } from "../analytics/kpi-cards";
import { journeyKpiCards } from "../analytics/kpis";
import { PeriodText, RangePicker, useRangeState } from "../analytics/range-picker";
import { FunnelTable } from "../analytics/tables";
import { type AnalyticsJourney, useBroadcastAnalytics, useJourneyAnalytics } from "../analytics/use-analytics";
import { pathFor } from "../lib/routes";
import { PageTitle } from "../shell/page-layout";

const Broadcast = ({ journeyId }: { journeyId: string }) => {
  const intl = useIntl();
  const broadcast = useBroadcastAnalytics(journeyId, true);
  if (broadcast.isPending) return <LoadingState label={intl.formatMessage({ id: "analytics.loading" })} />;
  if (broadcast.isError) return <ErrorState error={broadcast.error} onRetry={() => void broadcast.refetch()} />;
  if (!broadcast.data) return null;
  return (
    <Box as="section" display="flex" flexDirection="column" gap={4} data-testid="broadcast">
      <Text as="h2" size={7} fontWeight="bold">
        {intl.formatMessage({ id: "analytics.broadcast.section" })}
      </Text>
      <FunnelChart funnel={broadcast.data.funnel} />
      <BroadcastTestCard test={broadcast.data.test} />
    </Box>
  );
};

const VersionSelect = ({ journey, version, onChange }: { journey: AnalyticsJourney; version: number | null; onChange: (version: number | null) => void }) => {
  const intl = useIntl();
  const options = versionChoices(journey.currentVersion?.number ?? null).map((number) => ({
    value: number === null ? "all" : String(number),
    label: number === null ? intl.formatMessage({ id: "analytics.version.all" }) : intl.formatMessage({ id: "analytics.version.one" }, { number }),
  }));
  return (
    <Box __width="220px">
      <Select
        label={intl.formatMessage({ id: "analytics.version.label" })}
        options={options}
        value={version === null ? "all" : String(version)}
        onChange={(value: string) => onChange(value === "all" ? null : Number(value))}
        data-testid="version-select"
      />
    </Box>
  );
};

/** `/journeys/:journeyId/analytics`: one journey's funnel, trends, versions, channels, holdout and tests. */
export const JourneyAnalyticsPage = () => {
  const intl = useIntl();
  const { journeyId = "" } = useParams();
  const { state, setState, check } = useRangeState();
  const [version, setVersion] = useState<number | null>(null);
  const query = useJourneyAnalytics(journeyId, check.ok ? check.range : null, state.compare, version);
  const journey = query.data?.journey ?? null;
  const analytics = query.data?.journeyAnalytics ?? null;

  if (query.isError && !query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending && check.ok) return <LoadingState label={intl.formatMessage({ id: "analytics.loading" })} />;
  if (query.data && (!journey || !analytics)) {
    return (
      <Text as="h1" size={8} data-testid="journey-missing">
        {intl.formatMessage({ id: "analytics.journey.notFound" })}
      </Text>
    );
  }

  return (
    <>
      <PageTitle
        actions={
          <AppLink to={pathFor({ name: "journey", journeyId })} data-testid="to-editor">
            <Text size={4} color="accent1">
              {intl.formatMessage({ id: "analytics.journey.toEditor" })}
            </Text>
          </AppLink>
        }
      >
        {intl.formatMessage({ id: "analytics.journey.title" }, { name: journey?.name ?? "" })}
      </PageTitle>
      <Box display="flex" flexWrap="wrap" gap={3} alignItems="flex-start">
        <RangePicker state={state} onChange={setState} check={check} />
        {journey && <VersionSelect journey={journey} version={version} onChange={setVersion} />}
      </Box>
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {journey && analytics && (
        <Box display="flex" flexDirection="column" gap={8} aria-busy={query.isFetching} data-testid="journey-analytics">
          <PeriodText period={analytics.period} previous={analytics.previous ? previousRange(analytics.period) : null} />
          {isBroadcast(journey) && <Broadcast journeyId={journeyId} />}
          <KpiCards cards={journeyKpiCards(analytics.funnel, analytics.previous)} complaintLine={0} />
          <Box as="section" display="flex" flexDirection="column" gap={6}>
            <Text as="h2" size={7} fontWeight="bold">
              {intl.formatMessage({ id: "analytics.section.trends" })}
            </Text>
            <FunnelChart funnel={analytics.funnel} />
            <ActivityChart days={analytics.days} />
            <RevenueCharts days={analytics.days} />
          </Box>
          <HoldoutCard holdout={analytics.holdout} />
          <Box as="section" display="flex" flexDirection="column" gap={4} data-testid="ab-tests">
            <Text as="h2" size={7} fontWeight="bold">
              {intl.formatMessage({ id: "analytics.ab.section" })}
            </Text>
            {analytics.abTests.length === 0 ? (
              <Text size={3} color="default2">
                {intl.formatMessage({ id: "analytics.ab.none" })}
              </Text>
            ) : (
              analytics.abTests.map((test) => <AbTestCard key={`${test.kind}:${test.node}`} test={test} />)
            )}
          </Box>
          <Box as="section" display="flex" flexDirection="column" gap={6}>
            <Text as="h2" size={7} fontWeight="bold">
              {intl.formatMessage({ id: "analytics.section.breakdown" })}
            </Text>
            <FunnelTable
              caption={intl.formatMessage({ id: "analytics.table.versions" })}
              nameColumn={intl.formatMessage({ id: "analytics.table.version" })}
              testId="versions"
              empty={intl.formatMessage({ id: "analytics.table.noVersions" })}
              withEntered
              rows={analytics.versions.map((row) => ({
                key: String(row.number),
                funnel: row.funnel,
                label: intl.formatMessage({ id: "analytics.version.one" }, { number: row.number }),
              }))}
            />
            <FunnelTable
              caption={intl.formatMessage({ id: "analytics.table.channels" })}
              nameColumn={intl.formatMessage({ id: "analytics.table.channel" })}
              testId="channels"
              empty={intl.formatMessage({ id: "analytics.table.noChannels" })}
              rows={analytics.channels.map((row) => ({ key: row.channel, funnel: row.funnel, label: row.channel }))}
            />
          </Box>
        </Box>
      )}
    </>
  );
};

export default JourneyAnalyticsPage;
