/**
 * A settings section: one form, saved on its own. The form's texts start from the API's
 * values; Save checks them (the pure check of the section), sends only what changed, shows the
 * API's refusal at its field (or above the form), and tells the Dashboard when it is saved.
 */
import { Box, Button, Checkbox, Input, Select, Text, Textarea } from "@saleor/macaw-ui";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useIntl } from "react-intl";

import { useNotify } from "../hooks/use-notify";
import { presentError } from "../lib/error-presentation";
import { GraphQLRequestError } from "../lib/graphql";
import { locateRefusal } from "./api-errors";
import type { Checked } from "./app-forms";
import { changedKeys, type FieldError, type FieldErrors } from "./form-values";

export type SectionState<F extends Record<string, unknown>> = {
  form: F;
  set: <K extends keyof F>(key: K, value: F[K]) => void;
  errors: FieldErrors<keyof F & string>;
  formError: string | null;
  saving: boolean;
  dirty: boolean;
  submit: (event: FormEvent) => void;
};

export const useSection = <F extends Record<string, unknown>>({
  initial,
  check,
  save,
  savedTitle,
}: {
  initial: F;
  check: (initial: F, form: F) => Checked<keyof F & string>;
  save: (input: Record<string, unknown>) => Promise<void>;
  savedTitle: string;
}): SectionState<F> => {
  const intl = useIntl();
  const notify = useNotify();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<keyof F & string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof F>(key: K, value: F[K]) => {
    setForm((old) => ({ ...old, [key]: value }));
    setErrors(({ [key as keyof F & string]: _gone, ...rest }) => rest as FieldErrors<keyof F & string>);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = check(initial, form);
    setFormError(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (checked.changed.length === 0) return;
    setSaving(true);
    save(checked.input)
      .then(() => notify({ status: "success", title: savedTitle }))
      .catch((error: unknown) => {
        if (error instanceof GraphQLRequestError) {
          const located = locateRefusal(error.failure, Object.keys(form));
          if (located.field) setErrors({ [located.field]: located.error } as FieldErrors<keyof F & string>);
          else setFormError(presentError(error.failure).text);
        } else {
          setFormError(error instanceof Error ? error.message : String(error));
        }
        notify({ status: "error", title: intl.formatMessage({ id: "settings.saveFailed" }) });
      })
      .finally(() => setSaving(false));
  };
  return { form, set, errors, formError, saving, dirty: changedKeys(initial, form).length > 0, submit };
};

export const useErrorText = () => {
  const intl = useIntl();
  return (error: FieldError | undefined) => (error ? intl.formatMessage({ id: error.id }, error.values) : undefined);
};

/** A section: its heading, what it is for, the form and its Save button. */
export const SectionForm = <F extends Record<string, unknown>>({
  id,
  title,
  description,
  state,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  state: SectionState<F>;
  children: ReactNode;
}) => {
  const intl = useIntl();
  const headingId = useId();
  return (
    <Box
      as="section"
      aria-labelledby={headingId}
      display="flex"
      flexDirection="column"
      gap={4}
      padding={6}
      borderStyle="solid"
      borderWidth={1}
      borderRadius={4}
      borderColor="default1"
      data-testid={`settings-section-${id}`}
    >
      <Text as="h2" id={headingId} size={7} fontWeight="bold">
        {title}
      </Text>
      {description && (
        <Text as="p" size={3} color="default2">
          {description}
        </Text>
      )}
      <form onSubmit={state.submit} noValidate aria-label={title}>
        <Box display="flex" flexDirection="column" gap={4}>
          {children}
          {state.formError && (
            <Text role="alert" size={3} color="critical1" data-testid={`settings-form-error-${id}`}>
              {state.formError}
            </Text>
          )}
          <Box display="flex" gap={3} alignItems="center">
            <Button type="submit" variant="primary" disabled={state.saving || !state.dirty} data-testid={`settings-save-${id}`}>
              {intl.formatMessage({ id: state.saving ? "settings.saving" : "settings.save" })}
            </Button>
            {!state.dirty && (
              <Text size={2} color="default2">
                {intl.formatMessage({ id: "settings.unchanged" })}
              </Text>
            )}
          </Box>
        </Box>
      </form>
    </Box>
  );
};

export const FieldRow = ({ children }: { children: ReactNode }) => (
  <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))" alignItems="start">
    {children}
  </Box>
);

type TextProps = {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: FieldError;
  hint?: ReactNode;
  type?: "text" | "number" | "email" | "url" | "password";
  autoComplete?: string;
  readOnly?: boolean;
};

export const TextField = ({ name, label, value, onChange, error, hint, type = "text", autoComplete, readOnly }: TextProps) => {
  const text = useErrorText()(error);
  return (
    <Input
      label={label}
      type={type}
      value={value}
      autoComplete={autoComplete ?? "off"}
      readOnly={readOnly}
      onChange={(e) => onChange(e.target.value)}
      error={Boolean(error)}
      helperText={text ?? hint}
      aria-invalid={Boolean(error)}
      data-testid={`settings-field-${name}`}
    />
  );
};

export const LinesField = ({ name, label, value, onChange, error, hint }: Omit<TextProps, "type" | "readOnly" | "autoComplete">) => {
  const text = useErrorText()(error);
  return (
    <Textarea
      label={label}
      value={value}
      rows={3}
      onChange={(e) => onChange(e.target.value)}
      error={Boolean(error)}
      helperText={text ?? hint}
      aria-invalid={Boolean(error)}
      data-testid={`settings-field-${name}`}
    />
  );
};

export const SelectField = ({
  name,
  label,
  value,
  onChange,
  options,
  error,
  hint,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  error?: FieldError;
  hint?: string;
}) => {
  const text = useErrorText()(error);
  return (
    <Select
      label={label}
      options={options}
      value={value || null}
      onChange={(v: string) => onChange(v)}
      error={Boolean(error)}
      helperText={text ?? hint}
      data-testid={`settings-field-${name}`}
    />
  );
};

export const CheckField = ({ name, label, checked, onChange }: { name: string; label: string; checked: boolean; onChange: (checked: boolean) => void }) => (
  <Checkbox checked={checked} onCheckedChange={(c) => onChange(c === true)} data-testid={`settings-field-${name}`}>
    <Text size={3}>{label}</Text>
  </Checkbox>
);

/** A write-only secret: whether one is stored (under the field), and the field to replace it;
 * never the value. */
export const SecretField = ({
  name,
  label,
  stored,
  value,
  onChange,
  error,
}: {
  name: string;
  label: string;
  stored: boolean;
  value: string;
  onChange: (value: string) => void;
  error?: FieldError;
}) => {
  const intl = useIntl();
  const status = (
    <>
      <span data-testid={`settings-secret-${name}`}>{intl.formatMessage({ id: stored ? "settings.secret.set" : "settings.secret.unset" }, { label })}</span>
      {stored && ` · ${intl.formatMessage({ id: "settings.secret.keepHint" })}`}
    </>
  );
  return (
    <TextField
      name={name}
      type="password"
      autoComplete="new-password"
      label={intl.formatMessage({ id: stored ? "settings.secret.replace" : "settings.secret.enter" }, { label })}
      value={value}
      onChange={onChange}
      error={error}
      hint={status}
    />
  );
};
