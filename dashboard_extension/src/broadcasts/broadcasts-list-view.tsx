import { Box, Button, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { adminZone, nameOf, scheduleSaid, segmentGlobalId, STATE_IDS } from "./labels";
import { figuresOf, summaryOf, templatesOf } from "./progress";
import { type Broadcast, type Choices, definitionOf, stateOfBroadcast, useBroadcasts, useChoices } from "./use-broadcasts";

const cell = cellStyle({ align: "top" });
const COLUMNS = ["name", "state", "segment", "templates", "schedule", "progress"] as const;

const Row = ({ broadcast, choices }: { broadcast: Broadcast; choices: Choices | undefined }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const summary = summaryOf(definitionOf(broadcast.journey));
  const state = stateOfBroadcast(broadcast);
  const figures = figuresOf(broadcast, broadcast.journey.status);
  const schedule = scheduleSaid(summary, locale, adminZone());
  const segment = summary.segmentPk === null ? null : nameOf(choices?.segments, (s) => s.id === segmentGlobalId(summary.segmentPk!));
  const templates = templatesOf(summary.content).map((key) => nameOf(choices?.templates, (t) => t.key === key) ?? key);
  return (
    <tr data-testid="broadcast-row">
      <Box as="th" scope="row" textAlign="left" {...cell}>
        <AppLink to={pathFor({ name: "broadcast", journeyId: broadcast.journey.id })}>
          <Text size={4} fontWeight="medium">
            {broadcast.journey.name}
          </Text>
        </AppLink>
      </Box>
      <Box as="td" {...cell} data-testid="broadcast-state">
        <Text size={3}>{intl.formatMessage({ id: STATE_IDS[state] })}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="broadcast-segment">
        <Text size={3}>{segment ?? (summary.segmentPk === null ? "–" : intl.formatMessage({ id: "broadcasts.segment.unknown" }, { id: summary.segmentPk }))}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="broadcast-templates">
        <Text size={3}>{templates.length === 0 ? intl.formatMessage({ id: "broadcasts.content.other" }) : templates.join(" / ")}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="broadcast-schedule">
        <Text size={3}>{intl.formatMessage({ id: schedule.id }, schedule.values)}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="broadcast-progress">
        <Text size={3}>
          {broadcast.snapshotAt === null
            ? "–"
            : intl.formatMessage(
                { id: "broadcasts.list.progress" },
                { sent: formatNumber(figures.sent, locale), recipients: formatNumber(figures.recipients, locale) },
              )}
        </Text>
      </Box>
    </tr>
  );
};

/** `/broadcasts`: every broadcast with its state, audience, templates, time and progress. */
export const BroadcastsListView = () => {
  const intl = useIntl();
  const navigate = useNavigate();
  const broadcasts = useBroadcasts();
  const choices = useChoices();
  const create = (
    <Button onClick={() => navigate(pathFor({ name: "broadcastNew" }))} data-testid="broadcast-new">
      {intl.formatMessage({ id: "broadcasts.new.button" })}
    </Button>
  );
  return (
    <>
      <PageTitle actions={create}>{intl.formatMessage({ id: "broadcasts.title" })}</PageTitle>
      <Text as="p" size={4} color="default2">
        {intl.formatMessage({ id: "broadcasts.intro" })}
      </Text>
      {broadcasts.isPending ? (
        <LoadingState label={intl.formatMessage({ id: "broadcasts.loading" })} />
      ) : broadcasts.isError ? (
        <ErrorState error={broadcasts.error} onRetry={() => void broadcasts.refetch()} />
      ) : broadcasts.data.length === 0 ? (
        <StatusCard testId="broadcasts-empty">
          <Text as="h2" size={6} fontWeight="bold">
            {intl.formatMessage({ id: "broadcasts.empty.title" })}
          </Text>
          <Text size={4}>{intl.formatMessage({ id: "broadcasts.empty.text" })}</Text>
        </StatusCard>
      ) : (
        <DataTable testId="broadcasts-table" columns={COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `broadcasts.list.column.${column}` }) }))} align="top">
          {broadcasts.data.map((broadcast) => (
            <Row key={broadcast.journey.id} broadcast={broadcast} choices={choices.data} />
          ))}
        </DataTable>
      )}
    </>
  );
};
