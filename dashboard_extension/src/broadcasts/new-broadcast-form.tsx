import { Box, Button, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatNumber } from "../lib/format";
import { GraphQLRequestError } from "../lib/graphql";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { testAddressProblem } from "../templates/detail";
import { type BroadcastForm, checkForm, type ContentMode, EMPTY_FORM, type Field, fieldOfNodeError, type Problems, type ScheduleMode } from "./form";
import { adminZone, scheduleSaid, zoneSaid } from "./labels";
import { summaryOf } from "./progress";
import { type Choices, type NodeProblem, type TemplateChoice, useCheck, useChoices, useLaunch, useSendTest } from "./use-broadcasts";

type Pending = { definition: Record<string, unknown>; warnings: NodeProblem[] } | null;

const placeProblems = (problems: NodeProblem[]): { fields: Record<string, string>; form: string[] } => {
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const problem of problems) {
    const field = fieldOfNodeError(problem.nodeId, problem.field);
    if (fields[field]) form.push(problem.message);
    else fields[field] = problem.message;
  }
  return { fields, form };
};

/** "Send a test": each template of the broadcast to an address (the saved version, in its default language). */
const SendTest = ({ templates }: { templates: TemplateChoice[] }) => {
  const intl = useIntl();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const send = useSendTest();
  const [to, setTo] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    const checked = templates.length === 0 ? "broadcasts.test.noTemplate" : testAddressProblem(to);
    if (checked) {
      setProblem(checked);
      return;
    }
    try {
      for (const template of templates) {
        await send.mutateAsync({ templateId: template.id, to: to.trim() });
      }
      notify({ status: "success", title: intl.formatMessage({ id: "broadcasts.test.sent" }, { to: to.trim(), count: templates.length }) });
    } catch (error) {
      notifyError(intl.formatMessage({ id: "broadcasts.test.failed" }), error);
    }
  };
  return (
    <Box display="flex" gap={3} alignItems="flex-start" flexWrap="wrap" data-testid="broadcast-send-test">
      <Box __width="320px">
        <Input
          type="email"
          label={intl.formatMessage({ id: "broadcasts.test.to" })}
          value={to}
          onChange={(event) => {
            setTo(event.target.value);
            setProblem(null);
          }}
          error={Boolean(problem)}
          helperText={intl.formatMessage({ id: problem ?? "broadcasts.test.help" })}
          data-testid="broadcast-test-to"
        />
      </Box>
      <Button type="button" variant="secondary" disabled={send.isPending} onClick={() => void submit()} data-testid="broadcast-test-send">
        {intl.formatMessage({ id: send.isPending ? "broadcasts.test.sending" : "broadcasts.test.send" })}
      </Button>
    </Box>
  );
};

const FormBody = ({ choices }: { choices: Choices }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const locale = useAppLocale();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const check = useCheck();
  const launch = useLaunch();
  const zone = adminZone();
  const [form, setForm] = useState<BroadcastForm>(EMPTY_FORM);
  const [problems, setProblems] = useState<Problems>({});
  const [refused, setRefused] = useState<{ fields: Record<string, string>; form: string[] }>({ fields: {}, form: [] });
  const [pending, setPending] = useState<Pending>(null);

  const change = (patch: Partial<BroadcastForm>) => {
    setForm({ ...form, ...patch });
    setProblems({});
    setRefused({ fields: {}, form: [] });
  };
  const fieldError = (field: Field) => {
    const text = problems[field] ? t(problems[field]) : refused.fields[field];
    return { error: Boolean(text), helperText: text };
  };
  const segment = choices.segments.find((s) => s.id === form.segmentId);
  const byKey = (key: string) => choices.templates.find((template) => template.key === key);
  const chosen = (form.mode === "templates" ? [form.template, form.templateB] : [form.template]).flatMap((key) => byKey(key) ?? []);
  const templateOptions = choices.templates.map((template) => ({
    value: template.key,
    label: `${template.name} (${t(`broadcasts.kind.${template.kind === "transactional" ? "transactional" : "marketing"}`)})`,
  }));

  const review = () => {
    const checked = checkForm(form, zone, Date.now());
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    check.mutate(checked.definition, {
      onSuccess: ({ errors, warnings }) => {
        if (errors.length > 0) setRefused(placeProblems(errors));
        else setPending({ definition: checked.definition, warnings });
      },
      onError: (error) => setRefused({ fields: {}, form: [error instanceof GraphQLRequestError ? error.failure.message : String(error)] }),
    });
  };

  const confirm = () => {
    // "now" is the moment of the confirmation, not of the review
    const checked = checkForm(form, zone, Date.now());
    if (!checked.ok) {
      setPending(null);
      setProblems(checked.problems);
      return;
    }
    launch.mutate(
      { name: form.name.trim(), definition: checked.definition },
      {
        onSuccess: ({ id, errors }) => {
          setPending(null);
          if (errors.length > 0) notify({ status: "error", title: t("broadcasts.launch.refused"), text: errors.map((e) => e.message).join(" ") });
          else notify({ status: "success", title: t("broadcasts.launch.done", { name: form.name.trim() }) });
          navigate(pathFor({ name: "broadcast", journeyId: id }));
        },
        onError: (error) => {
          setPending(null);
          notifyError(t("broadcasts.launch.failed"), error);
        },
      },
    );
  };

  const summary = pending ? summaryOf(pending.definition) : null;
  const when = summary ? (form.schedule === "now" ? { id: "broadcasts.schedule.now" } : scheduleSaid(summary, locale, zone)) : null;
  const nowMs = Date.now();

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Section title={t("broadcasts.section.audience")} testId="broadcast-audience">
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(280px, 1fr))">
          <Input label={t("broadcasts.field.name")} value={form.name} onChange={(e) => change({ name: e.target.value })} data-testid="broadcast-name" {...fieldError("name")} />
          <Select
            label={t("broadcasts.field.segment")}
            options={choices.segments.map((s) => ({ value: s.id, label: t("broadcasts.segment.option", { name: s.name, count: s.memberCount }) }))}
            value={form.segmentId}
            onChange={(value: string) => change({ segmentId: value })}
            data-testid="broadcast-segment"
            {...fieldError("segmentId")}
          />
        </Box>
        {segment && (
          <Text size={3} color="default2" data-testid="broadcast-member-count">
            {t("broadcasts.segment.members", { count: segment.memberCount, formatted: formatNumber(segment.memberCount, locale) })}
          </Text>
        )}
        {choices.segments.length === 0 && (
          <Text size={3} color="critical1">
            {t("broadcasts.segment.none")}{" "}
            <AppLink to={pathFor({ name: "segmentNew" })}>{t("broadcasts.segment.create")}</AppLink>
          </Text>
        )}
      </Section>

      <Section title={t("broadcasts.section.content")} testId="broadcast-content">
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(280px, 1fr))">
          <Select
            label={t("broadcasts.field.mode")}
            options={(["single", "templates", "subjects"] as const).map((value) => ({ value, label: t(`broadcasts.mode.${value}`) }))}
            value={form.mode}
            onChange={(value: string) => change({ mode: value as ContentMode })}
            data-testid="broadcast-mode"
          />
          <Select
            label={t(form.mode === "templates" ? "broadcasts.field.templateA" : "broadcasts.field.template")}
            options={templateOptions}
            value={form.template}
            onChange={(value: string) => change({ template: value })}
            data-testid="broadcast-template"
            {...fieldError("template")}
          />
          {form.mode === "templates" && (
            <Select
              label={t("broadcasts.field.templateB")}
              options={templateOptions}
              value={form.templateB}
              onChange={(value: string) => change({ templateB: value })}
              data-testid="broadcast-template-b"
              {...fieldError("templateB")}
            />
          )}
        </Box>
        {form.mode === "templates" && (
          <>
            <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
              <Input
                type="number"
                label={t("broadcasts.field.share")}
                value={form.sharePercent}
                onChange={(e) => change({ sharePercent: e.target.value })}
                data-testid="broadcast-share"
                {...fieldError("sharePercent")}
              />
              <Input
                type="number"
                label={t("broadcasts.field.wait")}
                value={form.waitHours}
                onChange={(e) => change({ waitHours: e.target.value })}
                data-testid="broadcast-wait"
                {...fieldError("waitHours")}
              />
            </Box>
            <Text as="p" size={3} color="default2">
              {t("broadcasts.mode.templatesHelp")}
            </Text>
          </>
        )}
        {form.mode === "subjects" && (
          <>
            <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(280px, 1fr))">
              {([0, 1] as const).map((i) => (
                <Input
                  key={i}
                  label={t("broadcasts.field.subject", { n: i + 1 })}
                  value={form.subjects[i]}
                  onChange={(e) => change({ subjects: i === 0 ? [e.target.value, form.subjects[1]] : [form.subjects[0], e.target.value] })}
                  data-testid={`broadcast-subject-${i}`}
                  {...fieldError(i === 0 ? "subject0" : "subject1")}
                />
              ))}
            </Box>
            <Text as="p" size={3} color="default2">
              {t("broadcasts.mode.subjectsHelp")}
            </Text>
          </>
        )}
      </Section>

      <Section title={t("broadcasts.section.schedule")} testId="broadcast-schedule-section">
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
          <Select
            label={t("broadcasts.field.schedule")}
            options={(["now", "at", "local"] as const).map((value) => ({ value, label: t(`broadcasts.scheduleMode.${value}`) }))}
            value={form.schedule}
            onChange={(value: string) => change({ schedule: value as ScheduleMode })}
            data-testid="broadcast-schedule"
          />
          {form.schedule !== "now" && (
            <>
              <Input type="date" label={t("broadcasts.field.date")} value={form.date} onChange={(e) => change({ date: e.target.value })} data-testid="broadcast-date" {...fieldError("date")} />
              <Input type="time" label={t("broadcasts.field.time")} value={form.time} onChange={(e) => change({ time: e.target.value })} data-testid="broadcast-time" {...fieldError("time")} />
            </>
          )}
        </Box>
        <Text as="p" size={3} color="default2" data-testid="broadcast-zone">
          {form.schedule === "local" ? t("broadcasts.scheduleMode.localHelp") : t("broadcasts.scheduleMode.zone", { zone: zoneSaid(zone, nowMs) })}
        </Text>
        <Checkbox checked={form.bestTime} onCheckedChange={(checked) => change({ bestTime: checked === true })} data-testid="broadcast-best-time">
          <Text size={3}>{t("broadcasts.field.bestTime")}</Text>
        </Checkbox>
        <Text as="p" size={3} color="default2" data-testid="broadcast-best-time-help">
          {t("broadcasts.field.bestTimeHelp")}
        </Text>
      </Section>

      <Section title={t("broadcasts.section.test")} testId="broadcast-test">
        <SendTest templates={chosen} />
      </Section>

      <Box display="flex" flexDirection="column" gap={2} alignItems="flex-end">
        {refused.form.map((message) => (
          <Text key={message} as="p" role="alert" size={3} color="critical1" data-testid="broadcast-form-error">
            {message}
          </Text>
        ))}
        <Button onClick={review} disabled={check.isPending || launch.isPending} data-testid="broadcast-review">
          {t(check.isPending ? "broadcasts.launch.checking" : "broadcasts.launch.review")}
        </Button>
      </Box>

      <ConfirmDialog
        open={pending !== null}
        title={t("broadcasts.launch.title", { name: form.name.trim() })}
        description={
          <>
            {t("broadcasts.launch.description", {
              name: form.name.trim(),
              count: segment?.memberCount ?? 0,
              formatted: formatNumber(segment?.memberCount ?? 0, locale),
              segment: segment?.name ?? "",
              when: when ? t(when.id, when.values) : "",
            })}
            {summary?.content.kind === "templates" &&
              ` ${t("broadcasts.launch.test", { share: summary.content.sharePercent, hours: summary.content.waitHours })}`}
            {pending?.warnings.map((w) => ` ${w.message}`).join("")}
          </>
        }
        confirmLabel={t(form.schedule === "now" ? "broadcasts.launch.sendNow" : "broadcasts.launch.schedule")}
        busy={launch.isPending}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      />
    </Box>
  );
};

/** `/broadcasts/new`: audience, content (one template, two on a test share, or subject lines), schedule, a test, launch. */
export const NewBroadcastForm = () => {
  const intl = useIntl();
  const choices = useChoices();
  if (choices.isPending) return <LoadingState label={intl.formatMessage({ id: "broadcasts.loadingChoices" })} />;
  if (choices.isError) return <ErrorState error={choices.error} onRetry={() => void choices.refetch()} />;
  return <FormBody choices={choices.data} />;
};
