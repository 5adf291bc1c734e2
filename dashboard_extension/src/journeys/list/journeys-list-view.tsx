import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { cellStyle, DataTable } from "../../components/data-table";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { StatusCard } from "../../components/status-card";
import { LiveAnnouncement } from "../../components/visually-hidden";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { formatDateTime, formatNumber } from "../../lib/format";
import { pathFor } from "../../lib/routes";
import { useAppLocale } from "../../providers/locale-provider";
import { PageTitle } from "../../shell/page-layout";
import {
  activeNodes,
  availableActions,
  changedCounts,
  checkJourneyName,
  type CountSnapshot,
  type StatusAction,
  targetStatus,
  totalsOf,
} from "./journey-list";
import { StatusChip } from "./status-chip";
import { type JourneyRow, useCreateJourney, useJourneyList, useSetJourneyStatus } from "./use-journeys";
import { AppLink } from "../../components/app-link";

const CreateJourneyForm = () => {
  const intl = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const create = useCreateJourney();
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const check = checkJourneyName(name);

    if (!check.ok) {
      setProblem(check.messageId);
      return;
    }

    setProblem(null);
    create.mutate(check.name, {
      onSuccess: (journey) => {
        notify({ status: "success", title: intl.formatMessage({ id: "journeys.create.done" }, { name: check.name }) });
        navigate(pathFor({ name: "journey", journeyId: journey.id }));
      },
      onError: (error) => notifyError(intl.formatMessage({ id: "journeys.create.failed" }), error),
    });
  };

  return (
    <Box as="form" onSubmit={onSubmit} display="flex" gap={3} alignItems="flex-start" flexWrap="wrap" data-testid="create-journey-form">
      <Box __minWidth="280px" flexGrow="1">
        <Input
          label={intl.formatMessage({ id: "journeys.create.nameLabel" })}
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={problem !== null}
          helperText={problem ? intl.formatMessage({ id: problem }) : undefined}
          aria-invalid={problem !== null}
          maxLength={200}
          data-testid="create-journey-name"
        />
      </Box>
      <Button type="submit" variant="primary" disabled={create.isPending} data-testid="create-journey-submit">
        <FormattedMessage id="journeys.create.submit" />
      </Button>
    </Box>
  );
};

const NodeTotals = ({ journey }: { journey: JourneyRow }) => {
  const locale = useAppLocale();
  const totals = totalsOf(journey.nodeCounts);
  const nodes = activeNodes(journey.nodeCounts);
  const values = {
    waiting: formatNumber(totals.waiting, locale),
    passed: formatNumber(totals.passed, locale),
    exited: formatNumber(totals.exited, locale),
    converted: formatNumber(totals.converted, locale),
  };

  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="journey-totals">
      <Text size={3}>
        <FormattedMessage id="journeys.list.totals" values={values} />
      </Text>
      {nodes.length > 0 && (
        <details>
          <summary>
            <Text size={2} color="default2">
              <FormattedMessage id="journeys.list.perNode" values={{ count: nodes.length }} />
            </Text>
          </summary>
          <Box as="ul" paddingLeft={4} margin={0}>
            {nodes.map((count) => (
              <Box as="li" key={count.node}>
                <Text size={2}>
                  <FormattedMessage
                    id="journeys.list.nodeTotals"
                    values={{
                      node: count.node,
                      waiting: formatNumber(count.waiting, locale),
                      passed: formatNumber(count.passed, locale),
                      exited: formatNumber(count.exited, locale),
                      converted: formatNumber(count.converted, locale),
                    }}
                  />
                </Text>
              </Box>
            ))}
          </Box>
        </details>
      )}
    </Box>
  );
};

type Pending = { journey: JourneyRow; action: StatusAction };

const cell = cellStyle();
const JOURNEY_COLUMNS = ["name", "status", "version", "counts", "updated", "actions"] as const;

const JourneyTable = ({ journeys, onAction }: { journeys: JourneyRow[]; onAction: (pending: Pending) => void }) => {
  const locale = useAppLocale();
  const intl = useIntl();

  return (
    <DataTable testId="journeys-table" caption={<FormattedMessage id="journeys.list.caption" />} columns={JOURNEY_COLUMNS.map((column) => ({ key: column, label: <FormattedMessage id={`journeys.list.column.${column}`} /> }))}>
      {journeys.map((journey) => (
        <tr key={journey.id} data-testid="journey-row" data-journey-id={journey.id}>
          <Box as="td" {...cell}>
            <Box display="flex" flexDirection="column" gap={1} alignItems="flex-start">
              <AppLink to={pathFor({ name: "journey", journeyId: journey.id })} data-testid="journey-link">
                <Text size={4} fontWeight="medium">
                  {journey.name}
                </Text>
              </AppLink>
              <AppLink
                to={pathFor({ name: "journeyAnalytics", journeyId: journey.id })}
                aria-label={intl.formatMessage({ id: "analytics.journey.openOf" }, { name: journey.name })}
                data-testid="journey-analytics-link"
              >
                <Text size={2}>{intl.formatMessage({ id: "analytics.journey.open" })}</Text>
              </AppLink>
            </Box>
          </Box>
          <Box as="td" {...cell}>
            <StatusChip status={journey.status} />
          </Box>
          <Box as="td" {...cell} data-testid="journey-version">
            <Text size={3}>
              {journey.currentVersion ? (
                <FormattedMessage id="journeys.list.version" values={{ number: journey.currentVersion.number }} />
              ) : (
                <FormattedMessage id="journeys.list.notLive" />
              )}
            </Text>
          </Box>
          <Box as="td" {...cell}>
            <NodeTotals journey={journey} />
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{formatDateTime(journey.updatedAt, locale)}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Box display="flex" gap={2} flexWrap="wrap">
              {availableActions(journey.status).map((action) => (
                <Button
                  key={action}
                  variant={action === "archive" ? "error" : "secondary"}
                  size="small"
                  onClick={() => onAction({ journey, action })}
                  aria-label={intl.formatMessage({ id: `journeys.action.${action}.label` }, { name: journey.name })}
                  data-testid={`journey-${action}`}
                >
                  <FormattedMessage id={`journeys.action.${action}`} />
                </Button>
              ))}
            </Box>
          </Box>
        </tr>
      ))}
    </DataTable>
  );
};

/** Announces, politely, which journeys' counts moved since the last refresh. */
const useCountAnnouncement = (journeys: JourneyRow[] | undefined) => {
  const intl = useIntl();
  const previous = useRef<CountSnapshot[] | null>(null);
  const [message, setMessage] = useState("");

  useEffect(() => {
    if (!journeys) {
      return;
    }

    const snapshot = journeys.map((journey) => ({
      id: journey.id,
      name: journey.name,
      totals: totalsOf(journey.nodeCounts),
    }));
    const changed = previous.current ? changedCounts(previous.current, snapshot) : [];

    previous.current = snapshot;

    if (changed.length > 0) {
      setMessage(intl.formatMessage({ id: "journeys.list.countsChanged" }, { names: intl.formatList(changed) }));
    }
  }, [journeys, intl]);

  return message;
};

export const JourneysListView = () => {
  const intl = useIntl();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const list = useJourneyList();
  const setStatus = useSetJourneyStatus();
  const [pending, setPending] = useState<Pending | null>(null);
  const announcement = useCountAnnouncement(list.data);

  const confirm = () => {
    if (!pending) {
      return;
    }

    const { journey, action } = pending;

    setStatus.mutate(
      { id: journey.id, status: targetStatus(action) },
      {
        onSuccess: () => {
          notify({
            status: "success",
            title: intl.formatMessage({ id: `journeys.action.${action}.done` }, { name: journey.name }),
          });
          setPending(null);
        },
        onError: (error) => {
          notifyError(intl.formatMessage({ id: `journeys.action.${action}.failed` }, { name: journey.name }), error);
          setPending(null);
        },
      },
    );
  };

  return (
    <>
      <PageTitle
        actions={
          <AppLink to={pathFor({ name: "presets" })} data-testid="presets-link">
            <Text size={4} color="accent1">
              <FormattedMessage id="journeys.list.toPresets" />
            </Text>
          </AppLink>
        }
      >
        <FormattedMessage id="journeys.list.title" />
      </PageTitle>
      <StatusCard>
        <Text as="h2" size={6} fontWeight="bold">
          <FormattedMessage id="journeys.create.title" />
        </Text>
        <CreateJourneyForm />
      </StatusCard>
      {list.isPending && <LoadingState label={<FormattedMessage id="journeys.list.loading" />} />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess &&
        (list.data.length === 0 ? (
          <StatusCard testId="journeys-empty">
            <Text size={4}>
              <FormattedMessage id="journeys.list.empty" />
            </Text>
          </StatusCard>
        ) : (
          <Box overflowX="auto">
            <JourneyTable journeys={list.data} onAction={setPending} />
          </Box>
        ))}
      <LiveAnnouncement testId="journeys-announcement">{announcement}</LiveAnnouncement>
      <ConfirmDialog
        open={pending !== null}
        tone={pending?.action === "archive" ? "error" : "default"}
        busy={setStatus.isPending}
        title={
          pending && (
            <FormattedMessage id={`journeys.action.${pending.action}.confirmTitle`} values={{ name: pending.journey.name }} />
          )
        }
        description={pending && <FormattedMessage id={`journeys.action.${pending.action}.confirmText`} />}
        confirmLabel={pending && <FormattedMessage id={`journeys.action.${pending.action}`} />}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      />
    </>
  );
};
