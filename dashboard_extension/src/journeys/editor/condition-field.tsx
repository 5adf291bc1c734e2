import { Checkbox, Input, Select, Text, Textarea } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { useSaleorChannels, useSegments } from "./api";
import { type FieldProps, Group, numberOrUndefined, useLabel } from "./field-parts";
import { EventTypeField, ProductPicker } from "./pickers";
import { pkOf } from "./summary";
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

const CONDITION_KINDS = ["order", "segment", "event", "email", "custom"] as const;

/**
 * A condition is a segment-style rule tree. The common ones have a form (has ordered, in a
 * segment, did an event, engaged with email); any other tree is edited as JSON.
 */
export const ConditionField = ({ spec, value, onChange, error }: FieldProps) => {
  const intl = useIntl();
  const condition = isObject(value) ? value : {};
  const type = typeof condition.type === "string" ? condition.type : "";
  const kind = (CONDITION_KINDS as readonly string[]).includes(type) ? type : "custom";
  const [json, setJson] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [jsonError, setJsonError] = useState(false);
  const channels = useSaleorChannels();
  const segments = useSegments();
  const window = isObject(condition.window) ? condition.window : {};
  const setWindow = (days: number | undefined) => {
    const { window: _old, ...rest } = condition;
    onChange(days === undefined ? rest : { ...rest, window: { last_days: days } });
  };
  const windowInput = (
    <Input
      label={intl.formatMessage({ id: "editor.condition.lastDays" })}
      type="number"
      min={1}
      value={typeof window.last_days === "number" ? String(window.last_days) : ""}
      onChange={(e) => setWindow(numberOrUndefined(e.target.value))}
    />
  );
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      <Select
        label={intl.formatMessage({ id: "editor.condition.kind" })}
        options={CONDITION_KINDS.map((k) => ({ value: k, label: intl.formatMessage({ id: `editor.condition.${k}` }) }))}
        value={kind}
        onChange={(k: string) => {
          const fresh: Record<string, JsonObject> = {
            order: { type: "order" },
            segment: { type: "segment", segment_id: 1, member: true },
            event: { type: "event", event_type: "" },
            email: { type: "email", action: "opened" },
          };
          if (fresh[k]) onChange(fresh[k]);
        }}
      />
      {kind === "order" && (
        <>
          {windowInput}
          <Select
            label={intl.formatMessage({ id: "editor.picker.channel" })}
            options={[
              { value: "", label: intl.formatMessage({ id: "editor.picker.anyChannel" }) },
              ...(channels.data?.channels ?? []).map((c) => ({ value: c.slug, label: c.name })),
            ]}
            value={typeof condition.channel === "string" ? condition.channel : ""}
            onChange={(slug: string) => {
              const { channel: _old, ...rest } = condition;
              onChange(slug ? { ...rest, channel: slug } : rest);
            }}
          />
          <ProductPicker
            ids={Array.isArray(condition.product_ids) ? condition.product_ids.map(String) : []}
            onChange={(ids) => {
              const { product_ids: _old, ...rest } = condition;
              onChange(ids.length ? { ...rest, product_ids: ids } : rest);
            }}
          />
        </>
      )}
      {kind === "segment" && (
        <>
          <Select
            label={intl.formatMessage({ id: "editor.field.segment_id" })}
            options={(segments.data?.segments ?? []).map((s) => ({
              value: String(pkOf("Segment", s.id) ?? ""),
              label: intl.formatMessage({ id: "editor.picker.segment" }, { name: s.name, count: s.memberCount }),
            }))}
            value={typeof condition.segment_id === "number" ? String(condition.segment_id) : null}
            onChange={(v: string) => onChange({ ...condition, segment_id: Number(v) })}
          />
          <Checkbox checked={condition.member !== false} onCheckedChange={(c) => onChange({ ...condition, member: c === true })}>
            <Text size={3}>{intl.formatMessage({ id: "editor.condition.member" })}</Text>
          </Checkbox>
        </>
      )}
      {kind === "event" && (
        <>
          <EventTypeField
            spec={{ name: "condition-event_type", kind: "eventType", labelId: "editor.field.event_type" }}
            value={condition.event_type}
            onChange={(v) => onChange({ ...condition, event_type: v ?? "" })}
          />
          {windowInput}
        </>
      )}
      {kind === "email" && (
        <>
          <Select
            label={intl.formatMessage({ id: "editor.condition.action" })}
            options={["opened", "clicked", "delivered", "bounced", "complained", "unsubscribed"].map((a) => ({
              value: a,
              label: intl.formatMessage({ id: `editor.email.${a}` }),
            }))}
            value={typeof condition.action === "string" ? condition.action : null}
            onChange={(a: string) => onChange({ ...condition, action: a })}
          />
          {windowInput}
        </>
      )}
      <Textarea
        label={intl.formatMessage({ id: "editor.condition.json" })}
        rows={6}
        value={kind === "custom" ? json : JSON.stringify(value ?? {}, null, 2)}
        error={jsonError}
        helperText={jsonError ? intl.formatMessage({ id: "editor.condition.jsonInvalid" }) : undefined}
        onChange={(e) => {
          setJson(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as Json;
            setJsonError(false);
            onChange(parsed);
          } catch {
            setJsonError(true);
          }
        }}
        data-testid="field-condition-json"
      />
    </Group>
  );
};
