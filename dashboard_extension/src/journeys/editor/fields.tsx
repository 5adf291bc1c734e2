/** The input for each field of a node's form, by the kind the catalogue gives it. */
import { Box, Button, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { BroadcastTestField, LocalTimeField, SubjectVariantsField } from "./ab-test-fields";
import type { JourneyFacts } from "./broadcast-test";
import { PROFILE_FIELDS } from "./catalogue";
import { ConditionField } from "./condition-field";
import { type FieldProps, Group, PairsField, Row, SelectField, TextField, numberOrUndefined, useLabel } from "./field-parts";
import { EntryKeyField, EventTypeField, ListField, SegmentField, TemplateField, VoucherValuesField } from "./pickers";
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export type { FieldProps };

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const FILTER_OPS = ["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"] as const;

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

const BoolField = ({ spec, value, onChange }: FieldProps) => (
  <Checkbox checked={value === true} onCheckedChange={(checked) => onChange(checked === true)} data-testid={`field-${spec.name}`}>
    <Text size={3}>{useLabel(spec)}</Text>
  </Checkbox>
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

/** The input for one field of a node's form, by its kind. */
export const Field = ({ journey, ...props }: FieldProps & { config: JsonObject; journey: JourneyFacts }) => {
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
    case "subjectVariants":
      return <SubjectVariantsField {...props} />;
    case "localTime":
      return <LocalTimeField {...props} />;
    case "broadcastTest":
      return <BroadcastTestField {...props} journey={journey} />;
  }
};
