import { Box, Button, Input, Select, Text, Textarea } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ModalCard } from "../components/modal-card";
import { useNotify } from "../hooks/use-notify";
import { GraphQLRequestError } from "../lib/graphql";
import {
  type CreateField,
  createFields,
  createInput,
  type CreateForm,
  EMPTY_CREATE_FORM,
  type FieldProblems,
  type KindChoice,
  nameCheck,
  refusalField,
  type StartChoice,
} from "./create-form";
import type { TemplateRow } from "./list";
import { useCopyTemplate, useCreateEmailTemplate, useRenameTemplate, useStarters } from "./use-templates";

/** A refusal on its field, else above the form (`form`); anything not from the API too. */
const placeRefusal = (error: unknown, fields: readonly CreateField[]): { field: CreateField | "form"; message: string } => {
  if (error instanceof GraphQLRequestError) {
    return { field: refusalField(error.failure.code, fields) ?? "form", message: error.failure.message };
  }
  return { field: "form", message: error instanceof Error ? error.message : String(error) };
};

type Refusal = { field: CreateField | "form"; message: string } | null;

const FormRefusal = ({ refusal }: { refusal: Refusal }) =>
  refusal?.field === "form" ? (
    <Text as="p" role="alert" size={3} color="critical1" data-testid="dialog-error">
      {refusal.message}
    </Text>
  ) : null;

const DialogButtons = ({ onClose, busy, submitLabel, testId }: { onClose: () => void; busy: boolean; submitLabel: string; testId: string }) => {
  const intl = useIntl();
  return (
    <Box display="flex" justifyContent="flex-end" gap={3}>
      <Button type="button" variant="secondary" onClick={onClose} disabled={busy}>
        {intl.formatMessage({ id: "shell.confirm.cancel" })}
      </Button>
      <Button type="submit" variant="primary" disabled={busy} data-testid={testId}>
        {submitLabel}
      </Button>
    </Box>
  );
};

/** "New email template": a name, a kind, and a start (blank, a starter, a copy). */
export const CreateTemplateDialog = ({ templates, onClose }: { templates: TemplateRow[]; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const create = useCreateEmailTemplate();
  const starters = useStarters(true);
  const [form, setForm] = useState<CreateForm>(EMPTY_CREATE_FORM);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [refusal, setRefusal] = useState<Refusal>(null);
  const emailTemplates = templates.filter((template) => template.channel === "email");

  const change = (patch: Partial<CreateForm>) => {
    setForm({ ...form, ...patch });
    setProblems({});
    setRefusal(null);
  };
  const fieldError = (field: CreateField) => {
    const text = problems[field] ? t(problems[field]) : refusal?.field === field ? refusal.message : undefined;
    return { error: Boolean(text), helperText: text };
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const checked = createInput(form);
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    create.mutate(checked.input, {
      onSuccess: (template) => {
        notify({ status: "success", title: intl.formatMessage({ id: "templates.create.done" }, { name: template.name }) });
        onClose();
      },
      onError: (error) => setRefusal(placeRefusal(error, createFields(form.start))),
    });
  };

  const starterChoices = (starters.data ?? []).map((starter) => ({
    value: starter.key,
    label: `${starter.name} (${t(`templates.kind.${starter.kind === "transactional" ? "transactional" : "marketing"}`)})`,
  }));
  const chosenStarter = starters.data?.find((starter) => starter.key === form.starter);

  return (
    <ModalCard open title={t("templates.create.title")} onClose={onClose} cardTestId="create-template-dialog">
      <Box as="form" display="flex" flexDirection="column" gap={4} onSubmit={submit} noValidate>
        <Input label={t("templates.field.name")} value={form.name} onChange={(e) => change({ name: e.target.value })} data-testid="create-name" {...fieldError("name")} />
        <Select
          label={t("templates.field.kind")}
          options={(["", "marketing", "transactional"] as const).map((value) => ({
            value: value === "" ? "auto" : value,
            label: t(value === "" ? "templates.kind.auto" : `templates.kind.${value}`),
          }))}
          value={form.kind === "" ? "auto" : form.kind}
          onChange={(value: string) => change({ kind: (value === "auto" ? "" : value) as KindChoice })}
          data-testid="create-kind"
          {...fieldError("kind")}
        />
        <Select
          label={t("templates.field.start")}
          options={(["starter", "copy", "blank"] as const).map((value) => ({ value, label: t(`templates.start.${value}`) }))}
          value={form.start}
          onChange={(value: string) => change({ start: value as StartChoice })}
          data-testid="create-start"
          {...fieldError("start")}
        />
        {form.start === "starter" &&
          (starters.isPending ? (
            <LoadingState label={t("templates.starters.loading")} />
          ) : starters.isError ? (
            <ErrorState error={starters.error} onRetry={() => void starters.refetch()} />
          ) : (
            <>
              <Select
                label={t("templates.field.starter")}
                options={starterChoices}
                value={form.starter}
                onChange={(value: string) => change({ starter: value })}
                data-testid="create-starter"
                {...fieldError("starter")}
              />
              {chosenStarter && (
                <Text as="p" size={3} color="default2" data-testid="starter-description">
                  {chosenStarter.description}
                </Text>
              )}
            </>
          ))}
        {form.start === "copy" &&
          (emailTemplates.length === 0 ? (
            <Text as="p" size={3}>
              {t("templates.create.nothingToCopy")}
            </Text>
          ) : (
            <Select
              label={t("templates.field.copyOf")}
              options={emailTemplates.map((template) => ({ value: template.id, label: template.name }))}
              value={form.copyOf}
              onChange={(value: string) => change({ copyOf: value })}
              data-testid="create-copy-of"
              {...fieldError("copyOf")}
            />
          ))}
        {form.start === "blank" && (
          <>
            <Input label={t("templates.field.subject")} value={form.subject} onChange={(e) => change({ subject: e.target.value })} data-testid="create-subject" {...fieldError("subject")} />
            <Input label={t("templates.field.preheader")} value={form.preheader} onChange={(e) => change({ preheader: e.target.value })} data-testid="create-preheader" {...fieldError("preheader")} />
          </>
        )}
        <FormRefusal refusal={refusal} />
        <DialogButtons onClose={onClose} busy={create.isPending} submitLabel={t("templates.create.submit")} testId="create-submit" />
      </Box>
    </ModalCard>
  );
};

/** The name field of the copy and rename dialogs: checked before the call (its problem shown
 * on it), a refusal of the API placed on it, both cleared as the admin types. */
const useNameField = (initial: string) => {
  const intl = useIntl();
  const [name, setName] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal>(null);
  /** False (with the problem shown) when the name cannot be sent. */
  const checked = (): boolean => {
    const found = nameCheck(name);
    if (found) {
      setProblem(intl.formatMessage({ id: found }));
    }
    return !found;
  };
  const change = (value: string) => {
    setName(value);
    setProblem(null);
    setRefusal(null);
  };
  const error = problem ?? (refusal?.field === "name" ? refusal.message : undefined);
  return { name, change, checked, error, refusal, setRefusal };
};

/** A copy of any template, under a name the admin may change. */
export const CopyTemplateDialog = ({ template, onClose }: { template: TemplateRow; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const copy = useCopyTemplate();
  const field = useNameField(intl.formatMessage({ id: "templates.copy.defaultName" }, { name: template.name }));

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!field.checked()) {
      return;
    }
    copy.mutate(
      { id: template.id, name: field.name.trim() },
      {
        onSuccess: (saved) => {
          notify({ status: "success", title: intl.formatMessage({ id: "templates.copy.done" }, { name: saved.name }) });
          onClose();
        },
        onError: (error) => field.setRefusal(placeRefusal(error, ["name"])),
      },
    );
  };

  return (
    <ModalCard open title={intl.formatMessage({ id: "templates.copy.title" }, { name: template.name })} onClose={onClose} cardTestId="copy-template-dialog">
      <Box as="form" display="flex" flexDirection="column" gap={4} onSubmit={submit} noValidate>
        <Input
          label={t("templates.field.name")}
          value={field.name}
          onChange={(e) => field.change(e.target.value)}
          error={Boolean(field.error)}
          helperText={field.error}
          data-testid="copy-name"
        />
        <FormRefusal refusal={field.refusal} />
        <DialogButtons onClose={onClose} busy={copy.isPending} submitLabel={t("templates.copy.submit")} testId="copy-submit" />
      </Box>
    </ModalCard>
  );
};

/** A template's name and description; its key, which journeys name, stays. */
export const RenameTemplateDialog = ({ template, onClose }: { template: TemplateRow; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const rename = useRenameTemplate();
  const field = useNameField(template.name);
  const [description, setDescription] = useState(template.description);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!field.checked()) {
      return;
    }
    rename.mutate(
      { id: template.id, name: field.name.trim(), description },
      {
        onSuccess: (saved) => {
          notify({ status: "success", title: intl.formatMessage({ id: "templates.rename.done" }, { name: saved.name }) });
          onClose();
        },
        onError: (error) => field.setRefusal(placeRefusal(error, ["name", "description"])),
      },
    );
  };
  const descriptionText = field.refusal?.field === "description" ? field.refusal.message : undefined;

  return (
    <ModalCard open title={intl.formatMessage({ id: "templates.rename.title" }, { name: template.name })} onClose={onClose} cardTestId="rename-template-dialog">
      <Box as="form" display="flex" flexDirection="column" gap={4} onSubmit={submit} noValidate>
        <Input
          label={t("templates.field.name")}
          value={field.name}
          onChange={(e) => field.change(e.target.value)}
          error={Boolean(field.error)}
          helperText={field.error ?? intl.formatMessage({ id: "templates.rename.keyStays" }, { key: template.key })}
          data-testid="rename-name"
        />
        <Textarea
          label={t("templates.field.description")}
          value={description}
          onChange={(e) => {
            setDescription(e.target.value);
            field.setRefusal(null);
          }}
          error={Boolean(descriptionText)}
          helperText={descriptionText}
          rows={3}
          data-testid="rename-description"
        />
        <FormRefusal refusal={field.refusal} />
        <DialogButtons onClose={onClose} busy={rename.isPending} submitLabel={t("templates.rename.submit")} testId="rename-submit" />
      </Box>
    </ModalCard>
  );
};
