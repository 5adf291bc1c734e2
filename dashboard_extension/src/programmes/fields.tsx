/** The survey and prize-draw form fields, each with its problem under it (the create dialogs
 * and the detail pages share them). */
import { Box, Checkbox, Input, Select, Text, Textarea } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { useNotifyError } from "../hooks/use-notify";
import { GraphQLRequestError } from "../lib/graphql";
import { type DrawField, type DrawForm, refusedField, type Scale, SCALES, type SurveyField, type SurveyForm } from "./forms";

/** Problems per field: a message id of ours or the API's own text. */
export type Problems = Partial<Record<string, string>>;

/** A refusal placed at its field, or null when it is about no field (a toast says it). */
export const refusalProblems = (error: unknown): Problems | null => {
  if (!(error instanceof GraphQLRequestError)) return null;
  const field = refusedField(error.failure.fields);
  return field ? { [field]: error.failure.message } : null;
};

/**
 * A survey's or draw's form and its problems, as the create dialogs and the settings sections
 * share them: a change clears the problems; `refused(title)` handles a failed save, placing the
 * API's refusal at its field or, when it is about no field, telling it in a notification.
 */
export const useProgrammeForm = <F extends object>(initial: F | (() => F)) => {
  const notifyError = useNotifyError();
  const [form, setForm] = useState<F>(initial);
  const [problems, setProblems] = useState<Problems>({});
  return {
    form,
    setForm,
    problems,
    setProblems,
    change: (patch: Partial<F>) => {
      setForm({ ...form, ...patch });
      setProblems({});
    },
    refused: (title: string) => (error: unknown) => {
      const placed = refusalProblems(error);
      if (placed) setProblems(placed);
      else notifyError(title, error);
    },
  };
};

const useFieldError = (problems: Problems) => {
  const intl = useIntl();
  return (field: string) => {
    const problem = problems[field];
    if (!problem) return {};
    const text = problem.startsWith("programmes.") ? intl.formatMessage({ id: problem }) : problem;
    return { error: true, helperText: text };
  };
};

const grid = { display: "grid", gap: 4, __gridTemplateColumns: "repeat(auto-fit, minmax(240px, 1fr))" } as const;

export const SurveyFields = ({
  form,
  problems,
  creating,
  onChange,
}: {
  form: SurveyForm;
  problems: Problems;
  creating: boolean;
  onChange: (patch: Partial<SurveyForm>) => void;
}) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const fieldError = useFieldError(problems);
  const at = (field: SurveyField) => fieldError(field);
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Box {...grid}>
        <Input
          label={t("programmes.survey.field.key")}
          value={form.key}
          disabled={!creating}
          onChange={(e) => onChange({ key: e.target.value })}
          helperText={t(creating ? "programmes.survey.field.keyHelp" : "programmes.field.keyFixed")}
          data-testid="survey-key"
          {...at("key")}
        />
        <Input label={t("programmes.survey.field.name")} value={form.name} onChange={(e) => onChange({ name: e.target.value })} data-testid="survey-name" {...at("name")} />
      </Box>
      <Textarea
        label={t("programmes.survey.field.question")}
        value={form.question}
        rows={2}
        onChange={(e) => onChange({ question: e.target.value })}
        data-testid="survey-question"
        {...at("question")}
      />
      <Box {...grid}>
        <Select
          label={t("programmes.survey.field.scale")}
          options={SCALES.map((value) => ({ value, label: intl.formatMessage({ id: `programmes.scale.${value}` }) }))}
          value={form.scale}
          disabled={!creating}
          onChange={(value: string) => onChange({ scale: value as Scale })}
          data-testid="survey-scale"
          helperText={creating ? undefined : t("programmes.survey.field.scaleFixed")}
          {...at("scale")}
        />
      </Box>
      <Checkbox checked={form.askComment} onCheckedChange={(checked) => onChange({ askComment: checked === true })} data-testid="survey-ask-comment">
        <Text size={3}>{t("programmes.survey.field.askComment")}</Text>
      </Checkbox>
      {!creating && (
        <Checkbox checked={form.open} onCheckedChange={(checked) => onChange({ open: checked === true })} data-testid="survey-open">
          <Text size={3}>{t("programmes.survey.field.open")}</Text>
        </Checkbox>
      )}
    </Box>
  );
};

export const DrawFields = ({
  form,
  problems,
  creating,
  onChange,
}: {
  form: DrawForm;
  problems: Problems;
  creating: boolean;
  onChange: (patch: Partial<DrawForm>) => void;
}) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const fieldError = useFieldError(problems);
  const at = (field: DrawField) => fieldError(field);
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Box {...grid}>
        <Input
          label={t("programmes.draw.field.key")}
          value={form.key}
          disabled={!creating}
          onChange={(e) => onChange({ key: e.target.value })}
          helperText={t(creating ? "programmes.draw.field.keyHelp" : "programmes.field.keyFixed")}
          data-testid="draw-key"
          {...at("key")}
        />
        <Input label={t("programmes.draw.field.name")} value={form.name} onChange={(e) => onChange({ name: e.target.value })} data-testid="draw-name" {...at("name")} />
      </Box>
      <Input label={t("programmes.draw.field.prize")} value={form.prize} onChange={(e) => onChange({ prize: e.target.value })} data-testid="draw-prize" {...at("prize")} />
      <Box {...grid}>
        <Input
          type="number"
          min={1}
          max={1000}
          label={t("programmes.draw.field.winners")}
          value={form.winners}
          onChange={(e) => onChange({ winners: e.target.value })}
          data-testid="draw-winners"
          {...at("winners")}
        />
        <Input
          type="datetime-local"
          label={t("programmes.draw.field.closesAt")}
          value={form.closesAt}
          onChange={(e) => onChange({ closesAt: e.target.value })}
          helperText={t("programmes.draw.field.closesAtHelp")}
          data-testid="draw-closes-at"
          {...at("closesAt")}
        />
      </Box>
    </Box>
  );
};
