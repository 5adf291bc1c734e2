/** The building blocks of the side panel's fields: labels, groups, text, select and key/value rows. */
import { Box, Button, Input, Select, Text } from "@saleor/macaw-ui";
import { type ReactNode, useId, useState } from "react";
import { useIntl } from "react-intl";

import type { FieldSpec } from "./catalogue";
import type { Json } from "./types";
import { isObject } from "./types";

export type FieldProps = {
  spec: FieldSpec;
  value: Json | undefined;
  /** The new value (undefined: leave the key out). */
  onChange: (value: Json | undefined) => void;
  error?: string;
  /** Fields with rows or parts: the problems inside, by the rest of their path ("" the field's own). */
  errors?: ReadonlyMap<string, string>;
};

export const useLabel = (spec: FieldSpec) => {
  const intl = useIntl();
  return intl.formatMessage({ id: spec.labelId });
};

export const numberOrUndefined = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

export const Row = ({ children }: { children: ReactNode }) => (
  <Box display="flex" gap={2} alignItems="flex-end" flexWrap="wrap">
    {children}
  </Box>
);

export const Group = ({ label, error, children, testId }: { label: string; error?: string; children: ReactNode; testId?: string }) => {
  const id = useId();
  return (
    <Box role="group" aria-labelledby={id} display="flex" flexDirection="column" gap={2} data-testid={testId}>
      <Text id={id} size={3} fontWeight="medium">
        {label}
      </Text>
      {children}
      {error && (
        <Text size={2} color="critical1">
          {error}
        </Text>
      )}
    </Box>
  );
};

export const TextField = ({ spec, value, onChange, error, type = "text", list }: FieldProps & { type?: "text" | "url"; list?: string }) => (
  <Input
    label={useLabel(spec)}
    type={type}
    list={list}
    value={typeof value === "string" ? value : ""}
    onChange={(e) => onChange(e.target.value)}
    error={Boolean(error)}
    helperText={error}
    data-testid={`field-${spec.name}`}
  />
);

export const SelectField = ({
  spec,
  value,
  onChange,
  error,
  options,
}: FieldProps & { options: { value: string; label: string }[] }) => (
  <Select
    label={useLabel(spec)}
    options={options}
    value={typeof value === "string" || typeof value === "number" ? String(value) : null}
    onChange={(v: string) => onChange(v)}
    error={Boolean(error)}
    helperText={error}
    data-testid={`field-${spec.name}`}
  />
);

/** Rows of key -> value (`values`, `fields`, `metadata`), the key chosen from `keys` when given. */
export const PairsField = ({
  spec,
  value,
  onChange,
  error,
  keys,
  keyLabel,
  valueLabel,
}: FieldProps & { keys?: { value: string; label: string }[]; keyLabel: string; valueLabel: string }) => {
  const intl = useIntl();
  const pairs = Object.entries(isObject(value) ? value : {});
  const [draftKey, setDraftKey] = useState("");
  const write = (next: [string, Json][]) => onChange(Object.fromEntries(next));
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      {pairs.map(([key, item], index) => (
        <Row key={key}>
          <Text size={3} __minWidth="120px">
            {keys?.find((k) => k.value === key)?.label ?? key}
          </Text>
          <Input
            width={32}
            label={intl.formatMessage({ id: "editor.pair.valueFor" }, { label: valueLabel, key })}
            value={item === null ? "" : String(item)}
            onChange={(e) => write(pairs.map((p, i) => (i === index ? [key, e.target.value] : p)))}
          />
          <Button variant="tertiary" size="small" onClick={() => write(pairs.filter((_, i) => i !== index))}>
            {intl.formatMessage({ id: "editor.remove" })}
          </Button>
        </Row>
      ))}
      <Row>
        {keys ? (
          <Select
            width={48}
            label={keyLabel}
            options={keys.filter((k) => !pairs.some(([key]) => key === k.value))}
            value={draftKey || null}
            onChange={(v: string) => setDraftKey(v)}
          />
        ) : (
          <Input width={48} label={keyLabel} value={draftKey} onChange={(e) => setDraftKey(e.target.value)} />
        )}
        <Button
          variant="secondary"
          size="small"
          disabled={!draftKey || pairs.some(([key]) => key === draftKey)}
          onClick={() => {
            write([...pairs, [draftKey, ""]]);
            setDraftKey("");
          }}
        >
          {intl.formatMessage({ id: "editor.pair.add" })}
        </Button>
      </Row>
    </Group>
  );
};
