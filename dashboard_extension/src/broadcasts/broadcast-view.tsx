import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Fact, Section } from "../components/section";
import { StatusCard } from "../components/status-card";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatDateTime, formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { adminZone, scheduleSaid, segmentGlobalId, STATE_IDS } from "./labels";
import { type Figures, figuresOf, pollSeconds, summaryOf, templatesOf } from "./progress";
import { type Broadcast, definitionOf, stateOfBroadcast, useBroadcast, useCancel, useChoices, useLaunch, useSetStatus } from "./use-broadcasts";

type Confirm = "pause" | "resume" | "cancel" | "launch" | null;

const FIGURES: (keyof Figures)[] = ["recipients", "sent", "deferred", "suppressed", "failed", "toSend", "notSent"];

const ProgressFigures = ({ figures, cancelled }: { figures: Figures; cancelled: boolean }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const done = figures.sent + figures.suppressed + figures.failed + figures.unknown;
  // "unknown" only when there are some; "not sent" once cancelled (or a message was)
  const shown = FIGURES.filter((key) => key !== "notSent" || cancelled || figures.notSent > 0).concat(figures.unknown > 0 ? ["unknown"] : []);
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Box
        as="progress"
        max={Math.max(figures.recipients, 1)}
        value={Math.min(done, figures.recipients)}
        aria-label={intl.formatMessage({ id: "broadcasts.progress.bar" }, { done, recipients: figures.recipients })}
        width="100%"
        data-testid="broadcast-progress-bar"
      />
      <Box as="dl" display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))" margin={0}>
        {shown.map((key) => (
          <Box key={key} display="flex" flexDirection="column" gap={1} data-testid={`figure-${key}`}>
            <Box as="dt">
              <Text size={2} color="default2" fontWeight="medium">
                {intl.formatMessage({ id: `broadcasts.figure.${key}` })}
              </Text>
            </Box>
            <Box as="dd" margin={0}>
              <Text size={7} fontWeight="bold" data-testid={`figure-${key}-value`}>
                {formatNumber(figures[key], locale)}
              </Text>
            </Box>
          </Box>
        ))}
      </Box>
      <Text as="p" size={2} color="default2">
        {intl.formatMessage({ id: "broadcasts.progress.explained" })}
      </Text>
    </Box>
  );
};

const Loaded = ({ broadcast, onRefetch }: { broadcast: Broadcast; onRefetch: () => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const locale = useAppLocale();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const choices = useChoices();
  const setStatus = useSetStatus();
  const cancel = useCancel();
  const launch = useLaunch();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const { journey } = broadcast;
  const state = stateOfBroadcast(broadcast);
  const figures = figuresOf(broadcast, journey.status);
  const summary = summaryOf(definitionOf(journey));
  const zone = adminZone();
  const schedule = scheduleSaid(summary, locale, zone);
  const segment = summary.segmentPk === null ? null : choices.data?.segments.find((s) => s.id === segmentGlobalId(summary.segmentPk!));
  const templates = templatesOf(summary.content).map((key) => ({ key, template: choices.data?.templates.find((x) => x.key === key) }));
  const busy = setStatus.isPending || cancel.isPending || launch.isPending;
  const poll = pollSeconds(state);

  const done = (title: string) => {
    setConfirm(null);
    notify({ status: "success", title });
    onRefetch();
  };
  const failed = (title: string) => (error: unknown) => {
    setConfirm(null);
    notifyError(title, error);
  };
  const act = () => {
    if (confirm === "pause" || confirm === "resume") {
      setStatus.mutate(
        { id: journey.id, status: confirm === "pause" ? "paused" : "active" },
        { onSuccess: () => done(t(`broadcasts.${confirm}.done`, { name: journey.name })), onError: failed(t(`broadcasts.${confirm}.failed`)) },
      );
    } else if (confirm === "cancel") {
      cancel.mutate(journey.id, {
        onSuccess: (cancelled) => done(t("broadcasts.cancel.done", { name: journey.name, count: cancelled })),
        onError: failed(t("broadcasts.cancel.failed")),
      });
    } else if (confirm === "launch") {
      launch.mutate(
        { name: journey.name, definition: {}, id: journey.id },
        {
          onSuccess: ({ errors }) => {
            if (errors.length > 0) {
              setConfirm(null);
              notify({ status: "error", title: t("broadcasts.launch.refused"), text: errors.map((e) => e.message).join(" ") });
            } else done(t("broadcasts.launch.done", { name: journey.name }));
          },
          onError: failed(t("broadcasts.launch.failed")),
        },
      );
    }
  };

  const actions = (
    <>
      <AppLink to={pathFor({ name: "journeyAnalytics", journeyId: journey.id })} data-testid="broadcast-analytics-link">
        <Text size={3}>{t("broadcasts.analytics")}</Text>
      </AppLink>
      {journey.status === "draft" && (
        <Button onClick={() => setConfirm("launch")} disabled={busy} data-testid="broadcast-launch">
          {t("broadcasts.launch.button")}
        </Button>
      )}
      {journey.status === "active" && state !== "sent" && (
        <Button variant="secondary" onClick={() => setConfirm("pause")} disabled={busy} data-testid="broadcast-pause">
          {t("broadcasts.pause.button")}
        </Button>
      )}
      {journey.status === "paused" && (
        <Button onClick={() => setConfirm("resume")} disabled={busy} data-testid="broadcast-resume">
          {t("broadcasts.resume.button")}
        </Button>
      )}
      {journey.status !== "archived" && state !== "sent" && (
        <Button variant="error" onClick={() => setConfirm("cancel")} disabled={busy} data-testid="broadcast-cancel">
          {t("broadcasts.cancel.button")}
        </Button>
      )}
    </>
  );

  const waiting = broadcast.queued + broadcast.deferred;
  return (
    <>
      <PageTitle actions={actions}>{journey.name}</PageTitle>
      <Text as="p" size={4} data-testid="broadcast-state" aria-live="polite">
        {t(STATE_IDS[state])}
        {poll !== null && ` · ${t("broadcasts.polling", { seconds: poll })}`}
      </Text>
      <Section title={t("broadcasts.section.progress")} testId="broadcast-progress">
        {broadcast.snapshotAt === null && journey.status !== "draft" ? (
          <Text size={4} data-testid="broadcast-not-yet">
            {t("broadcasts.progress.notYet")}
          </Text>
        ) : null}
        {broadcast.snapshotAt !== null && (
          <Text size={3} color="default2" data-testid="broadcast-snapshot">
            {t("broadcasts.progress.snapshot", { when: formatDateTime(broadcast.snapshotAt, locale, zone) })}
          </Text>
        )}
        <ProgressFigures figures={figures} cancelled={journey.status === "archived"} />
      </Section>
      <Section title={t("broadcasts.section.details")} testId="broadcast-details">
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
          <Fact label={t("broadcasts.field.segment")} testId="broadcast-fact-segment">
            <Text size={4}>
              {segment
                ? t("broadcasts.segment.option", { name: segment.name, count: segment.memberCount })
                : summary.segmentPk === null
                  ? "–"
                  : t("broadcasts.segment.unknown", { id: summary.segmentPk })}
            </Text>
          </Fact>
          <Fact label={t("broadcasts.field.templates")} testId="broadcast-fact-templates">
            {templates.length === 0 ? (
              <Text size={4}>{t("broadcasts.content.other")}</Text>
            ) : (
              <Box display="flex" flexDirection="column" gap={1}>
                {templates.map(({ key, template }) =>
                  template ? (
                    <AppLink key={key} to={pathFor({ name: "template", templateId: template.id })}>
                      <Text size={4}>{template.name}</Text>
                    </AppLink>
                  ) : (
                    <Text key={key} size={4}>
                      {key}
                    </Text>
                  ),
                )}
              </Box>
            )}
          </Fact>
          <Fact label={t("broadcasts.field.schedule")} testId="broadcast-fact-schedule">
            <Text size={4}>{t(schedule.id, schedule.values)}</Text>
          </Fact>
          {summary.content.kind === "templates" && (
            <Fact label={t("broadcasts.field.abTest")} testId="broadcast-fact-test">
              <Text size={4}>{t("broadcasts.launch.test", { share: summary.content.sharePercent, hours: summary.content.waitHours })}</Text>
            </Fact>
          )}
          {summary.content.kind === "subjects" && (
            <Fact label={t("broadcasts.field.subjects")} testId="broadcast-fact-subjects">
              <Text size={4}>{summary.content.subjects.join(" / ")}</Text>
            </Fact>
          )}
        </Box>
      </Section>
      <ConfirmDialog
        open={confirm !== null}
        title={confirm ? t(`broadcasts.${confirm}.title`, { name: journey.name }) : ""}
        description={
          confirm === "cancel"
            ? t("broadcasts.cancel.description", { name: journey.name, waiting, toSend: figures.toSend + figures.deferred })
            : confirm === "launch"
              ? t("broadcasts.launch.draftDescription", { name: journey.name, when: t(schedule.id, schedule.values) })
              : confirm
              ? t(`broadcasts.${confirm}.description`, { name: journey.name, waiting })
              : ""
        }
        confirmLabel={confirm ? t(`broadcasts.${confirm}.confirm`) : ""}
        tone={confirm === "cancel" ? "error" : "default"}
        busy={busy}
        onConfirm={act}
        onCancel={() => setConfirm(null)}
      />
    </>
  );
};

/** `/broadcasts/:journeyId`: its progress (polled while it sends), what it sends to whom and when, pause, resume, cancel. */
export const BroadcastView = ({ journeyId }: { journeyId: string }) => {
  const intl = useIntl();
  const broadcast = useBroadcast(journeyId);
  if (broadcast.isPending) return <LoadingState label={intl.formatMessage({ id: "broadcasts.loadingOne" })} />;
  if (broadcast.isError) return <ErrorState error={broadcast.error} onRetry={() => void broadcast.refetch()} />;
  if (broadcast.data === null) {
    return (
      <StatusCard testId="broadcast-missing">
        <Text as="h1" size={8} fontWeight="bold">
          {intl.formatMessage({ id: "broadcasts.missing.title" })}
        </Text>
        <AppLink to={pathFor({ name: "broadcasts" })}>
          <Text size={4}>{intl.formatMessage({ id: "broadcasts.missing.back" })}</Text>
        </AppLink>
      </StatusCard>
    );
  }
  return <Loaded broadcast={broadcast.data} onRefetch={() => void broadcast.refetch()} />;
};
