import { Box, Button, Checkbox, Input, Select, Text, Textarea } from "@saleor/macaw-ui";
import { type ReactNode, useId, useState } from "react";
import { useIntl } from "react-intl";

import {
  useEventTypes,
  useSaleorChannels,
  useSaleorProducts,
  useSegments,
  useStaticLists,
  useTemplatePreview,
  useTemplates,
} from "./api";
import type { FieldSpec } from "./catalogue";
import { PROFILE_FIELDS } from "./catalogue";
import { pkOf } from "./summary";
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export type FieldProps = {
  spec: FieldSpec;
  value: Json | undefined;
  /** The new value (undefined: leave the key out). */
  onChange: (value: Json | undefined) => void;
  error?: string;
};

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const FILTER_OPS = ["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"] as const;

const useLabel = (spec: FieldSpec) => {
  const intl = useIntl();
  return intl.formatMessage({ id: spec.labelId });
};

const numberOrUndefined = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

const Row = ({ children }: { children: ReactNode }) => (
  <Box display="flex" gap={2} alignItems="flex-end" flexWrap="wrap">
    {children}
  </Box>
);

const Group = ({ label, error, children, testId }: { label: string; error?: string; children: ReactNode; testId?: string }) => {
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

const IntField = ({ spec, value, onChange, error }: FieldProps) => (
  <Input
    label={useLabel(spec)}
    type="number"
    min={spec.min}
    max={spec.max}
    value={typeof value === "number" ? String(value) : ""}
    onChange={(e) => onChange(numberOrUndefined(e.target.value))}
    error={Boolean(error)}
    helperText={error}
    data-testid={`field-${spec.name}`}
  />
);

const TextField = ({ spec, value, onChange, error, type = "text", list }: FieldProps & { type?: "text" | "url"; list?: string }) => (
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

const BoolField = ({ spec, value, onChange }: FieldProps) => (
  <Checkbox checked={value === true} onCheckedChange={(checked) => onChange(checked === true)} data-testid={`field-${spec.name}`}>
    <Text size={3}>{useLabel(spec)}</Text>
  </Checkbox>
);

const SelectField = ({
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

const DurationField = ({ spec, value, onChange, error }: FieldProps) => {
  const intl = useIntl();
  const current = isObject(value) ? value : {};
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      <Row>
        {(["days", "hours", "minutes"] as const).map((unit) => (
          <Input
            key={unit}
            width={20}
            label={intl.formatMessage({ id: `editor.unit.${unit}` })}
            type="number"
            min={0}
            value={typeof current[unit] === "number" ? String(current[unit]) : ""}
            onChange={(e) => {
              const amount = numberOrUndefined(e.target.value);
              const { [unit]: _old, ...rest } = current;
              onChange(amount === undefined ? rest : { ...rest, [unit]: amount });
            }}
            data-testid={`field-${spec.name}-${unit}`}
          />
        ))}
      </Row>
    </Group>
  );
};

const WeekdaysField = ({ spec, value, onChange, error }: FieldProps) => {
  const intl = useIntl();
  const days = Array.isArray(value) ? value : [];
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      <Row>
        {WEEKDAYS.map((day) => (
          <Checkbox
            key={day}
            checked={days.includes(day)}
            onCheckedChange={(checked) =>
              onChange(checked === true ? [...days.filter((d) => d !== day), day].sort() : days.filter((d) => d !== day))
            }
          >
            <Text size={2}>{intl.formatMessage({ id: `editor.weekday.${day}` })}</Text>
          </Checkbox>
        ))}
      </Row>
    </Group>
  );
};

const EventTypeField = (props: FieldProps) => {
  const listId = useId();
  const intl = useIntl();
  const { data } = useEventTypes();
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {(data?.eventTypes ?? []).map((e) => (
          <option key={e.type} value={e.type}>
            {intl.formatMessage({ id: "editor.picker.eventCount" }, { count: e.count })}
          </option>
        ))}
      </datalist>
    </>
  );
};

const EntryKeyField = (props: FieldProps & { eventType: string }) => {
  const listId = useId();
  const { data } = useEventTypes();
  const properties = data?.eventTypes.find((e) => e.type === props.eventType)?.properties;
  const names = Array.isArray(properties) ? properties.map(String) : isObject(properties) ? Object.keys(properties) : [];
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {names.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
};

const parseFilterValue = (op: string, text: string): Json => {
  if (op === "in") return text.split(",").map((v) => v.trim()).filter(Boolean);
  if (["gt", "gte", "lt", "lte"].includes(op) && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  return text;
};

const WhereField = ({ spec, value, onChange, error }: FieldProps) => {
  const intl = useIntl();
  const filters = Array.isArray(value) ? value.filter(isObject) : [];
  const set = (index: number, filter: JsonObject) => onChange(filters.map((f, i) => (i === index ? filter : f)));
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      {filters.map((filter, index) => {
        const op = typeof filter.op === "string" ? filter.op : "eq";
        return (
          <Row key={index}>
            <Input
              width={32}
              label={intl.formatMessage({ id: "editor.where.property" })}
              value={typeof filter.property === "string" ? filter.property : ""}
              onChange={(e) => set(index, { ...filter, property: e.target.value })}
            />
            <Select
              width={24}
              label={intl.formatMessage({ id: "editor.where.op" })}
              options={FILTER_OPS.map((o) => ({ value: o, label: intl.formatMessage({ id: `editor.op.${o}` }) }))}
              value={op}
              onChange={(v: string) => set(index, { ...filter, op: v })}
            />
            <Input
              width={32}
              label={intl.formatMessage({ id: "editor.where.value" })}
              value={Array.isArray(filter.value) ? filter.value.join(", ") : filter.value === undefined ? "" : String(filter.value)}
              onChange={(e) => set(index, { ...filter, value: parseFilterValue(op, e.target.value) })}
            />
            <Button variant="tertiary" size="small" onClick={() => onChange(filters.filter((_, i) => i !== index))}>
              {intl.formatMessage({ id: "editor.remove" })}
            </Button>
          </Row>
        );
      })}
      <Box>
        <Button variant="secondary" size="small" onClick={() => onChange([...filters, { property: "", op: "eq", value: "" }])}>
          {intl.formatMessage({ id: "editor.where.add" })}
        </Button>
      </Box>
    </Group>
  );
};

const SegmentField = (props: FieldProps) => {
  const intl = useIntl();
  const { data, isLoading } = useSegments();
  const options = (data?.segments ?? [])
    .filter((s) => s.status !== "ARCHIVED" && s.status !== "archived")
    .map((s) => ({
      value: String(pkOf("Segment", s.id) ?? ""),
      label: intl.formatMessage({ id: "editor.picker.segment" }, { name: s.name, count: s.memberCount }),
    }));
  return (
    <SelectField
      {...props}
      value={typeof props.value === "number" ? String(props.value) : null}
      onChange={(v) => props.onChange(typeof v === "string" && v ? Number(v) : undefined)}
      options={isLoading ? [] : options}
    />
  );
};

const TemplateField = (props: FieldProps) => {
  const intl = useIntl();
  const { data } = useTemplates();
  const templates = (data?.templates ?? []).filter((t) => t.channel === props.spec.channel);
  const chosen = templates.find((t) => t.key === props.value) ?? null;
  const preview = useTemplatePreview(props.spec.channel === "email" && chosen ? chosen.id : null);
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <SelectField
        {...props}
        options={[
          // A key the shop has no template for stays visible (publishing names it as missing).
          ...(typeof props.value === "string" && props.value && !chosen && data
            ? [{ value: props.value, label: intl.formatMessage({ id: "editor.picker.missingTemplate" }, { key: props.value }) }]
            : []),
          ...templates.map((t) => ({ value: t.key, label: `${t.name} (${t.key})` })),
        ]}
      />
      {chosen && preview.data && (
        <Box display="flex" flexDirection="column" gap={1} data-testid="template-preview">
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.picker.previewSubject" }, { subject: preview.data.templatePreview.subject })}
          </Text>
          <iframe
            title={intl.formatMessage({ id: "editor.picker.preview" }, { name: chosen.name })}
            sandbox=""
            srcDoc={preview.data.templatePreview.html}
            style={{ width: "100%", height: 240, border: 0, background: "white" }}
          />
        </Box>
      )}
    </Box>
  );
};

const ListField = (props: FieldProps) => {
  const listId = useId();
  const intl = useIntl();
  const { data } = useStaticLists();
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {(data?.staticLists ?? []).map((l) => (
          <option key={l.key} value={l.key}>
            {intl.formatMessage({ id: "editor.picker.list" }, { name: l.name, count: l.memberCount })}
          </option>
        ))}
      </datalist>
    </>
  );
};

/** Rows of key -> value (`values`, `fields`, `metadata`), the key chosen from `keys` when given. */
const PairsField = ({
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

const VoucherValuesField = (props: FieldProps) => {
  const intl = useIntl();
  const channels = useSaleorChannels();
  const keys = [
    { value: "*", label: intl.formatMessage({ id: "editor.picker.everyChannel" }) },
    ...(channels.data?.channels ?? []).map((c) => ({ value: c.slug, label: `${c.name} (${c.currencyCode})` })),
  ];
  return (
    <>
      <PairsField
        {...props}
        onChange={(v) =>
          props.onChange(
            isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" && x.trim() !== "" && Number.isFinite(Number(x)) ? x.trim() : x])) : v,
          )
        }
        keys={keys}
        keyLabel={intl.formatMessage({ id: "editor.picker.channel" })}
        valueLabel={intl.formatMessage({ id: "editor.field.value" })}
      />
      {channels.isError && (
        <Text size={2} color="default2">
          {intl.formatMessage({ id: "editor.picker.channelsUnavailable" })}
        </Text>
      )}
    </>
  );
};

const ProfileFieldsField = (props: FieldProps) => {
  const intl = useIntl();
  return (
    <PairsField
      {...props}
      keys={PROFILE_FIELDS.map((f) => ({ value: f, label: intl.formatMessage({ id: `editor.profile.${f}` }) }))}
      keyLabel={intl.formatMessage({ id: "editor.pair.field" })}
      valueLabel={intl.formatMessage({ id: "editor.field.value" })}
    />
  );
};

const MetadataField = (props: FieldProps) => {
  const intl = useIntl();
  return (
    <PairsField
      {...props}
      keyLabel={intl.formatMessage({ id: "editor.pair.key" })}
      valueLabel={intl.formatMessage({ id: "editor.field.value" })}
    />
  );
};

const BranchesField = ({ spec, value, onChange, error }: FieldProps) => {
  const intl = useIntl();
  const branches = Array.isArray(value) ? value.filter(isObject) : [];
  const total = branches.reduce((sum, b) => sum + (typeof b.percent === "number" ? b.percent : 0), 0);
  return (
    <Group label={useLabel(spec)} error={error} testId={`field-${spec.name}`}>
      {branches.map((branch, index) => (
        <Row key={index}>
          <Input
            width={24}
            type="number"
            min={0}
            max={100}
            label={intl.formatMessage({ id: "editor.branch.percent" }, { n: index + 1 })}
            value={typeof branch.percent === "number" ? String(branch.percent) : ""}
            onChange={(e) => {
              const percent = numberOrUndefined(e.target.value);
              onChange(branches.map((b, i) => (i === index ? { ...b, percent: percent ?? 0 } : b)));
            }}
          />
          <Button
            variant="tertiary"
            size="small"
            disabled={branches.length <= (spec.min ?? 2)}
            onClick={() => onChange(branches.filter((_, i) => i !== index))}
          >
            {intl.formatMessage({ id: "editor.remove" })}
          </Button>
        </Row>
      ))}
      <Text size={2} color={total === 100 ? "default2" : "critical1"}>
        {intl.formatMessage({ id: "editor.branch.total" }, { total })}
      </Text>
      <Box>
        <Button
          variant="secondary"
          size="small"
          disabled={branches.length >= (spec.max ?? 5)}
          onClick={() => onChange([...branches, { percent: 0 }])}
        >
          {intl.formatMessage({ id: "editor.branch.add" })}
        </Button>
      </Box>
    </Group>
  );
};

const CONDITION_KINDS = ["order", "segment", "event", "email", "custom"] as const;

const ProductPicker = ({ ids, onChange }: { ids: string[]; onChange: (ids: string[]) => void }) => {
  const intl = useIntl();
  const [search, setSearch] = useState("");
  const chosen = useSaleorProducts("", ids);
  const found = useSaleorProducts(search, []);
  const names = new Map((chosen.data?.products?.edges ?? []).map((e) => [e.node.id, e.node.name]));
  return (
    <Group label={intl.formatMessage({ id: "editor.condition.products" })}>
      {ids.map((id) => (
        <Row key={id}>
          <Text size={3}>{names.get(id) ?? id}</Text>
          <Button variant="tertiary" size="small" onClick={() => onChange(ids.filter((x) => x !== id))}>
            {intl.formatMessage({ id: "editor.remove" })}
          </Button>
        </Row>
      ))}
      <Input label={intl.formatMessage({ id: "editor.condition.productSearch" })} value={search} onChange={(e) => setSearch(e.target.value)} />
      {search && (
        <Box display="flex" flexDirection="column" gap={1}>
          {(found.data?.products?.edges ?? []).map(({ node }) => (
            <Button key={node.id} variant="tertiary" size="small" disabled={ids.includes(node.id)} onClick={() => onChange([...ids, node.id])}>
              {node.name}
            </Button>
          ))}
          {found.isError && <Text size={2}>{intl.formatMessage({ id: "editor.picker.productsUnavailable" })}</Text>}
        </Box>
      )}
    </Group>
  );
};

/**
 * A condition is a segment-style rule tree. The common ones have a form (has ordered, in a
 * segment, did an event, engaged with email); any other tree is edited as JSON.
 */
const ConditionField = ({ spec, value, onChange, error }: FieldProps) => {
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

/** The input for one field of a node's form, by its kind. */
export const Field = (props: FieldProps & { config: JsonObject }) => {
  const intl = useIntl();
  const { spec } = props;
  switch (spec.kind) {
    case "int":
      return <IntField {...props} />;
    case "text":
      return <TextField {...props} />;
    case "url":
      return <TextField {...props} type="url" />;
    case "bool":
      return <BoolField {...props} />;
    case "select":
    case "dateField":
      return (
        <SelectField
          {...props}
          options={(spec.options ?? []).map((o) => ({ value: o, label: intl.formatMessage({ id: `editor.option.${o}` }) }))}
        />
      );
    case "datetime":
      return <TextField {...props} />;
    case "duration":
      return <DurationField {...props} />;
    case "weekdays":
      return <WeekdaysField {...props} />;
    case "eventType":
      return <EventTypeField {...props} />;
    case "entryKey":
      return <EntryKeyField {...props} eventType={typeof props.config.event_type === "string" ? props.config.event_type : ""} />;
    case "where":
      return <WhereField {...props} />;
    case "segment":
      return <SegmentField {...props} />;
    case "template":
      return <TemplateField {...props} />;
    case "list":
      return <ListField {...props} />;
    case "voucherValues":
      return <VoucherValuesField {...props} />;
    case "profileFields":
      return <ProfileFieldsField {...props} />;
    case "metadata":
      return <MetadataField {...props} />;
    case "branches":
      return <BranchesField {...props} />;
    case "condition":
      return <ConditionField {...props} />;
  }
};
