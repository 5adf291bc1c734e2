/**
 * The segment rule builder: nested "all of / any of / none of" groups and a row per condition of
 * docs/segments.md, with value editors by field kind, pickers from the app (event types and
 * their properties, other segments) and from Saleor (products, variants, categories, channels),
 * and the API's errors on the row and field they concern. The state and every decision are in
 * model.ts; this file only draws them.
 */
import { Box, Button, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { createContext, useContext, useId, useMemo, useState } from "react";
import { useIntl } from "react-intl";

import { useSaleorChannels } from "../../journeys/editor/api";
import {
  addCondition,
  addGroup,
  AGE_OPERATORS,
  COMPARISONS,
  CONDITION_TYPES,
  CONSENT_STATUSES,
  COUNT_MODES,
  type ConditionType,
  countMode,
  countValue,
  type DefinitionError,
  EMAIL_ACTIONS,
  errorsByRow,
  fieldKind,
  GROUP_TYPES,
  type GroupType,
  hasFieldError,
  type Json,
  type JsonObject,
  levelOf,
  LIFECYCLE_STAGES,
  PREFERRED_CHANNELS,
  operatorsFor,
  OPERATORS,
  type PlacedErrors,
  PROFILE_FIELDS,
  removeNode,
  type RowError,
  type RuleCondition,
  type RuleGroup,
  type RuleNode,
  type RuleTree,
  setConditionType,
  setGroupType,
  setKey,
  setOp,
  setProfileField,
  setValue,
  SPEND_METRICS,
  typeOf,
  updateCondition,
  valueShape,
  type ValueShape,
  WHERE_OPERATORS,
  whereValueKind,
  type WhereValueKind,
  WHERE_VALUE_KINDS,
  whereValueFrom,
  whereValueText,
  windowMode,
  WINDOW_MODES,
  withCountMode,
  withCountValue,
  withWindowMode,
  wrapInNot,
} from "./model";
import { PredictionFields } from "./prediction-fields";
import { type CatalogueKind, useCatalogueNames, useCatalogueSearch, useRuleEventTypes, useRuleSegments } from "./use-rule-data";

export type { DefinitionError, RuleTree } from "./model";

export type RuleBuilderProps = {
  value: RuleTree;
  onChange: (next: RuleTree) => void;
  errors: readonly DefinitionError[];
  disabled?: boolean;
};

type Context = {
  tree: RuleTree;
  change: (next: RuleTree) => void;
  placed: PlacedErrors;
  disabled: boolean;
};

const BuilderContext = createContext<Context | null>(null);

const useBuilder = (): Context => {
  const context = useContext(BuilderContext);
  if (!context) throw new Error("RuleBuilder parts are used inside RuleBuilder");
  return context;
};

const useT = () => {
  const intl = useIntl();
  return (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
};

export function RuleBuilder({ value, onChange, errors, disabled = false }: RuleBuilderProps) {
  const t = useT();
  const placed = useMemo(() => errorsByRow(errors, value), [errors, value]);
  const context = useMemo(() => ({ tree: value, change: onChange, placed, disabled }), [value, onChange, placed, disabled]);
  return (
    <BuilderContext.Provider value={context}>
      <Box display="flex" flexDirection="column" gap={3} data-testid="rule-builder">
        {placed.general.length > 0 && (
          <Box role="alert" data-testid="rule-errors-general" borderStyle="solid" borderWidth={1} borderColor="critical1" borderRadius={3} padding={3}>
            <Text size={3} fontWeight="medium" color="critical1">
              {t("rules.errors.general")}
            </Text>
            <Box as="ul" margin={0} paddingLeft={4}>
              {placed.general.map((error, index) => (
                <li key={index}>
                  <Text size={3} color="critical1">
                    {error.field && error.field !== "root" ? `${error.field}: ${error.message}` : error.message}
                  </Text>
                </li>
              ))}
            </Box>
          </Box>
        )}
        {value.root.kind === "group" ? <GroupView group={value.root} /> : <RootCondition row={value.root} />}
      </Box>
    </BuilderContext.Provider>
  );
}

/** A definition whose root is one condition (as the lifecycle segments are). */
const RootCondition = ({ row }: { row: RuleCondition }) => {
  const t = useT();
  const { tree, change, disabled } = useBuilder();
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <ConditionRow row={row} />
      <Box display="flex" gap={2}>
        <Button variant="secondary" size="small" disabled={disabled || addCondition(tree, row.id) === tree} onClick={() => change(addCondition(tree, row.id))}>
          {t("rules.group.addCondition")}
        </Button>
      </Box>
    </Box>
  );
};

const RowErrors = ({ errors, testId }: { errors: readonly RowError[] | undefined; testId: string }) => {
  const t = useT();
  if (!errors?.length) return null;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={testId} role="alert">
      {errors.map((error, index) => (
        <Text key={index} size={2} color="critical1">
          {error.field ? t("rules.errors.atField", { field: fieldLabel(t, error.field), message: error.message }) : error.message}
        </Text>
      ))}
    </Box>
  );
};

const KNOWN_FIELDS = new Set(["field", "op", "value", "key", "within_days", "currency", "metric", "status", "event_type", "count", "window", "where", "product_ids", "variant_ids", "category_ids", "channel", "action", "segment_id", "member", "conditions", "condition", "type"]);

const fieldLabel = (t: ReturnType<typeof useT>, field: string): string => {
  const head = field.split(".")[0] as string;
  return KNOWN_FIELDS.has(head) ? t(`rules.field.${head}`) : field;
};

const GroupView = ({ group }: { group: RuleGroup }) => {
  const t = useT();
  const { tree, change, placed, disabled } = useBuilder();
  const isRoot = tree.root.id === group.id;
  const level = levelOf(tree.root, group.id);
  const headingId = useId();
  return (
    <Box
      role="group"
      aria-labelledby={headingId}
      data-testid="rule-group"
      data-row-id={group.id}
      display="flex"
      flexDirection="column"
      gap={3}
      padding={3}
      borderStyle="solid"
      borderWidth={1}
      borderRadius={4}
      borderColor={placed.byRow[group.id] ? "critical1" : "default1"}
      backgroundColor={level % 2 === 0 ? "default1" : undefined}
    >
      <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
        <Text id={headingId} size={3} fontWeight="medium">
          {t(isRoot ? "rules.group.rootHeading" : "rules.group.heading")}
        </Text>
        <Box __width="220px">
          <Select
            size="small"
            label={t("rules.group.type")}
            options={GROUP_TYPES.map((type) => ({ value: type, label: t(`rules.group.type.${type}`) }))}
            value={group.type}
            onChange={(v: string) => change(setGroupType(tree, group.id, v as GroupType))}
            disabled={disabled}
            data-testid="group-type"
          />
        </Box>
        <Box marginLeft="auto" display="flex" gap={2}>
          {!isRoot && group.type !== "not" && (
            <Button variant="tertiary" size="small" disabled={disabled || wrapInNot(tree, group.id) === tree} onClick={() => change(wrapInNot(tree, group.id))}>
              {t("rules.row.negate")}
            </Button>
          )}
          {!isRoot && (
            <Button variant="tertiary" size="small" disabled={disabled} onClick={() => change(removeNode(tree, group.id))} data-testid="remove-group">
              {t("rules.group.remove")}
            </Button>
          )}
        </Box>
      </Box>
      <RowErrors errors={placed.byRow[group.id]} testId="group-errors" />
      {group.children.length === 0 && (
        <Text size={3} color="default2" data-testid="group-empty">
          {t("rules.group.empty")}
        </Text>
      )}
      {group.children.map((child) => (
        <NodeView key={child.id} node={child} />
      ))}
      <Box display="flex" gap={2}>
        <Button variant="secondary" size="small" disabled={disabled || addCondition(tree, group.id) === tree} onClick={() => change(addCondition(tree, group.id))} data-testid="add-condition">
          {t("rules.group.addCondition")}
        </Button>
        <Button
          variant="secondary"
          size="small"
          disabled={disabled || addGroup(tree, group.id) === tree}
          onClick={() => change(addGroup(tree, group.id))}
          data-testid="add-group"
        >
          {t("rules.group.addGroup")}
        </Button>
      </Box>
    </Box>
  );
};

const NodeView = ({ node }: { node: RuleNode }) => (node.kind === "group" ? <GroupView group={node} /> : <ConditionRow row={node} />);

type RowProps = { row: RuleCondition; errors: readonly RowError[] | undefined };

const ConditionRow = ({ row }: { row: RuleCondition }) => {
  const t = useT();
  const { tree, change, placed, disabled } = useBuilder();
  const errors = placed.byRow[row.id];
  const type = typeOf(row.condition);
  return (
    <Box
      data-testid="rule-row"
      data-row-id={row.id}
      data-invalid={errors ? "true" : undefined}
      display="flex"
      flexDirection="column"
      gap={2}
      padding={3}
      borderStyle="solid"
      borderWidth={1}
      borderRadius={3}
      borderColor={errors ? "critical1" : "default1"}
      backgroundColor="default1"
    >
      <Box display="flex" gap={2} alignItems="flex-end" flexWrap="wrap">
        <Box __width="200px">
          <Select
            size="small"
            label={t("rules.row.type")}
            options={[
              ...(type ? [] : [{ value: "", label: t("rules.type.unknown") }]),
              ...CONDITION_TYPES.map((value) => ({ value, label: t(`rules.type.${value}`) })),
            ]}
            value={type ?? ""}
            onChange={(v: string) => v && change(setConditionType(tree, row.id, v as ConditionType))}
            disabled={disabled}
            error={hasFieldError(errors, "type")}
            data-testid="condition-type"
          />
        </Box>
        <Box marginLeft="auto" display="flex" gap={2}>
          <Button variant="tertiary" size="small" disabled={disabled || wrapInNot(tree, row.id) === tree} onClick={() => change(wrapInNot(tree, row.id))} data-testid="negate-row">
            {t("rules.row.negate")}
          </Button>
          <Button variant="tertiary" size="small" disabled={disabled} onClick={() => change(removeNode(tree, row.id))} data-testid="remove-row">
            {t("rules.row.remove")}
          </Button>
        </Box>
      </Box>
      <Box display="flex" gap={2} alignItems="flex-start" flexWrap="wrap">
        <ConditionFields row={row} errors={errors} />
      </Box>
      <RowErrors errors={errors} testId="row-errors" />
    </Box>
  );
};

const ConditionFields = (props: RowProps) => {
  const t = useT();
  switch (typeOf(props.row.condition)) {
    case "profile":
      return <ProfileFields {...props} />;
    case "attribute":
      return <AttributeFields {...props} />;
    case "age":
      return <AgeFields {...props} />;
    case "birthday":
      return <BirthdayFields {...props} />;
    case "spend":
      return <SpendFields {...props} />;
    case "prediction":
      return <PredictionRow {...props} />;
    case "consent":
      return <ConsentFields {...props} />;
    case "event":
      return <EventFields {...props} />;
    case "order":
      return <OrderFields {...props} />;
    case "email":
      return <EmailFields {...props} />;
    case "segment":
      return <SegmentFields {...props} />;
    default:
      return (
        <Box display="flex" flexDirection="column" gap={1}>
          <Text size={3}>{t("rules.type.unknownText")}</Text>
          <Box as="pre" margin={0} __whiteSpace="pre-wrap" __fontSize="12px">
            {JSON.stringify(props.row.condition)}
          </Box>
        </Box>
      );
  }
};

// ---------------------------------------------------------------- small controls

const SelectControl = ({
  label,
  value,
  options,
  onChange,
  error,
  testId,
  width = "180px",
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
  error?: boolean;
  testId?: string;
  width?: string;
}) => {
  const { disabled } = useBuilder();
  const known = options.some((o) => o.value === value);
  return (
    <Box __width={width}>
      <Select
        size="small"
        label={label}
        options={known || value === "" ? options : [{ value, label: value }, ...options]}
        value={value || null}
        // With no value yet, macaw's Select gives the chosen option rather than its value.
        onChange={(v: string | { value: string } | null) => onChange(typeof v === "string" ? v : (v?.value ?? ""))}
        disabled={disabled}
        error={error}
        data-testid={testId}
      />
    </Box>
  );
};

const TextControl = ({
  label,
  value,
  onChange,
  error,
  testId,
  type = "text",
  list,
  width = "200px",
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: boolean;
  testId?: string;
  type?: "text" | "number" | "date";
  list?: string;
  width?: string;
  placeholder?: string;
}) => {
  const { disabled } = useBuilder();
  return (
    <Box __width={width}>
      <Input
        size="small"
        label={label}
        type={type}
        list={list}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        error={error}
        data-testid={testId}
      />
    </Box>
  );
};

const numberText = (value: Json | undefined): string => (typeof value === "number" ? String(value) : typeof value === "string" ? value : "");
/** A number field's text as JSON: a number when it reads as one, else the text (the API says why). */
const numberFrom = (text: string): Json => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text.trim() === "" ? null : text);

const NumberControl = (props: { label: string; value: Json | undefined; onChange: (value: Json) => void; error?: boolean; testId?: string; width?: string }) => (
  <TextControl {...props} width={props.width ?? "120px"} type="number" value={numberText(props.value)} onChange={(text) => props.onChange(numberFrom(text))} />
);

/** A list of texts: each shown with its own remove button, one typed and added at a time. */
const TextListControl = ({ label, value, onChange, error, testId, list }: { label: string; value: Json | undefined; onChange: (value: Json) => void; error?: boolean; testId?: string; list?: string }) => {
  const t = useT();
  const { disabled } = useBuilder();
  const [draft, setDraft] = useState("");
  const items = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))) : [];
  const add = () => {
    const text = draft.trim();
    if (!text || items.includes(text)) return;
    onChange([...items, text]);
    setDraft("");
  };
  return (
    <Box role="group" aria-label={label} display="flex" flexDirection="column" gap={1} data-testid={testId}>
      <Box display="flex" gap={1} flexWrap="wrap">
        {items.map((item) => (
          <Box key={item} display="flex" alignItems="center" gap={1} paddingLeft={2} borderStyle="solid" borderWidth={1} borderColor={error ? "critical1" : "default1"} borderRadius={3}>
            <Text size={2}>{item}</Text>
            <Button variant="tertiary" size="small" disabled={disabled} aria-label={t("rules.list.removeItem", { item })} onClick={() => onChange(items.filter((x) => x !== item))}>
              ×
            </Button>
          </Box>
        ))}
      </Box>
      <Box display="flex" gap={1} alignItems="flex-end">
        <Box __width="200px">
          <Input
            size="small"
            label={t("rules.list.add", { label })}
            list={list}
            value={draft}
            error={error}
            disabled={disabled}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
          />
        </Box>
        <Button variant="secondary" size="small" disabled={disabled || !draft.trim()} onClick={add}>
          {t("rules.list.addButton")}
        </Button>
      </Box>
    </Box>
  );
};

/** The value of a profile, attribute or age condition, by its shape. */
const ValueEditor = ({ shape, value, onChange, error, list }: { shape: ValueShape; value: Json | undefined; onChange: (value: Json) => void; error: boolean; list?: string }) => {
  const t = useT();
  const pair = Array.isArray(value) ? value : [];
  const setPart = (index: number, part: Json) => onChange(index === 0 ? [part, pair[1] ?? null] : [pair[0] ?? null, part]);
  switch (shape) {
    case "none":
      return null;
    case "text":
      return <TextControl label={t("rules.field.value")} value={typeof value === "string" ? value : numberText(value)} onChange={onChange} error={error} testId="value" list={list} />;
    case "texts":
      return <TextListControl label={t("rules.field.values")} value={value} onChange={onChange} error={error} testId="value" list={list} />;
    case "number":
      return <NumberControl label={t("rules.field.value")} value={value} onChange={onChange} error={error} testId="value" />;
    case "numberRange":
      return (
        <>
          <NumberControl label={t("rules.field.from")} value={pair[0]} onChange={(v) => setPart(0, v)} error={error} testId="value-from" />
          <NumberControl label={t("rules.field.to")} value={pair[1]} onChange={(v) => setPart(1, v)} error={error} testId="value-to" />
        </>
      );
    case "boolean":
      return (
        <SelectControl
          label={t("rules.field.value")}
          value={value === true ? "true" : value === false ? "false" : ""}
          options={[
            { value: "true", label: t("rules.boolean.true") },
            { value: "false", label: t("rules.boolean.false") },
          ]}
          onChange={(v) => onChange(v === "true")}
          error={error}
          testId="value"
        />
      );
    case "date":
      return <TextControl type="date" label={t("rules.field.date")} value={typeof value === "string" ? value : ""} onChange={onChange} error={error} testId="value" width="170px" />;
    case "dateRange":
      return (
        <>
          <TextControl type="date" label={t("rules.field.fromDate")} value={typeof pair[0] === "string" ? pair[0] : ""} onChange={(v) => setPart(0, v)} error={error} testId="value-from" width="170px" />
          <TextControl type="date" label={t("rules.field.toDate")} value={typeof pair[1] === "string" ? pair[1] : ""} onChange={(v) => setPart(1, v)} error={error} testId="value-to" width="170px" />
        </>
      );
    case "days":
      return <NumberControl label={t("rules.field.days")} value={value} onChange={onChange} error={error} testId="value" />;
  }
};

// ---------------------------------------------------------------- condition types

const str = (value: Json | undefined): string => (typeof value === "string" ? value : "");

const ProfileFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const listId = useId();
  const field = str(row.condition.field);
  const op = str(row.condition.op);
  const kind = fieldKind(field);
  const fieldOptions = (Object.keys(PROFILE_FIELDS) as (keyof typeof PROFILE_FIELDS)[]).flatMap((k) =>
    PROFILE_FIELDS[k].map((f) => ({ value: f, label: t("rules.profile.fieldOption", { field: t(`rules.profile.${f}`), kind: t(`rules.kind.${k}`) }) })),
  );
  const suggested = field === "lifecycle_stage" ? LIFECYCLE_STAGES : field === "preferred_channel" ? PREFERRED_CHANNELS : null;
  return (
    <>
      <SelectControl label={t("rules.field.field")} value={field} options={fieldOptions} onChange={(v) => change(setProfileField(tree, row.id, v))} error={hasFieldError(errors, "field")} testId="profile-field" width="260px" />
      <SelectControl
        label={t("rules.field.op")}
        value={op}
        options={operatorsFor(field).map((value) => ({ value, label: t(`rules.op.${value}`) }))}
        onChange={(v) => change(setOp(tree, row.id, v))}
        error={hasFieldError(errors, "op")}
        testId="op"
      />
      <ValueEditor
        shape={valueShape(kind, op)}
        value={row.condition.value}
        onChange={(v) => change(setValue(tree, row.id, v))}
        error={hasFieldError(errors, "value")}
        list={suggested ? listId : undefined}
      />
      {suggested && (
        <datalist id={listId}>
          {suggested.map((value) => (
            <option key={value} value={value} />
          ))}
        </datalist>
      )}
    </>
  );
};

const AttributeFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const op = str(row.condition.op);
  return (
    <>
      <TextControl label={t("rules.field.key")} value={str(row.condition.key)} onChange={(v) => change(setKey(tree, row.id, "key", v))} error={hasFieldError(errors, "key")} testId="attribute-key" />
      <SelectControl
        label={t("rules.field.op")}
        value={op}
        options={OPERATORS.text.map((value) => ({ value, label: t(`rules.op.${value}`) }))}
        onChange={(v) => change(setOp(tree, row.id, v))}
        error={hasFieldError(errors, "op")}
        testId="op"
      />
      <ValueEditor shape={valueShape("text", op)} value={row.condition.value} onChange={(v) => change(setValue(tree, row.id, v))} error={hasFieldError(errors, "value")} />
    </>
  );
};

const AgeFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const op = str(row.condition.op);
  return (
    <>
      <SelectControl
        label={t("rules.field.op")}
        value={op}
        options={AGE_OPERATORS.map((value) => ({ value, label: t(`rules.op.${value}`) }))}
        onChange={(v) => change(setOp(tree, row.id, v))}
        error={hasFieldError(errors, "op")}
        testId="op"
      />
      <ValueEditor shape={op === "between" ? "numberRange" : "number"} value={row.condition.value} onChange={(v) => change(setValue(tree, row.id, v))} error={hasFieldError(errors, "value")} />
      <Text size={3} color="default2">
        {t("rules.age.years")}
      </Text>
    </>
  );
};

const BirthdayFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  return (
    <>
      <NumberControl label={t("rules.field.within_days")} value={"within_days" in row.condition ? row.condition.within_days : 0} onChange={(v) => change(setKey(tree, row.id, "within_days", v))} error={hasFieldError(errors, "within_days")} testId="within-days" width="200px" />
      <Text size={3} color="default2">
        {t("rules.birthday.hint")}
      </Text>
    </>
  );
};

const SpendFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const channels = useSaleorChannels();
  const listId = useId();
  const currencies = [...new Set((channels.data?.channels ?? []).map((c) => c.currencyCode))].sort();
  return (
    <>
      <SelectControl
        label={t("rules.field.metric")}
        value={str(row.condition.metric) || "total"}
        options={SPEND_METRICS.map((value) => ({ value, label: t(`rules.metric.${value}`) }))}
        onChange={(v) => change(setKey(tree, row.id, "metric", v))}
        error={hasFieldError(errors, "metric")}
        testId="spend-metric"
        width="220px"
      />
      <TextControl
        label={t("rules.field.currency")}
        value={str(row.condition.currency)}
        onChange={(v) => change(setKey(tree, row.id, "currency", v.toUpperCase()))}
        error={hasFieldError(errors, "currency")}
        testId="spend-currency"
        list={listId}
        width="110px"
      />
      <datalist id={listId}>
        {currencies.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
      <SelectControl
        label={t("rules.field.op")}
        value={str(row.condition.op)}
        options={COMPARISONS.map((value) => ({ value, label: t(`rules.op.${value}`) }))}
        onChange={(v) => change(setKey(tree, row.id, "op", v))}
        error={hasFieldError(errors, "op")}
        testId="op"
      />
      <NumberControl label={row.condition.metric === "orders" ? t("rules.field.orders") : t("rules.field.amount")} value={row.condition.value} onChange={(v) => change(setValue(tree, row.id, v))} error={hasFieldError(errors, "value")} testId="value" />
    </>
  );
};

const PredictionRow = ({ row, errors }: RowProps) => {
  const { tree, change, disabled } = useBuilder();
  return <PredictionFields condition={row.condition} errors={errors} disabled={disabled} onChange={(next) => change(updateCondition(tree, row.id, () => next))} />;
};

const ConsentFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change, disabled } = useBuilder();
  const status = Array.isArray(row.condition.status) ? row.condition.status : [];
  return (
    <Box role="group" aria-label={t("rules.field.status")} display="flex" gap={3} alignItems="center" flexWrap="wrap" data-testid="consent-status">
      <Text size={3}>{t("rules.consent.lead")}</Text>
      {CONSENT_STATUSES.map((value) => (
        <Checkbox
          key={value}
          checked={status.includes(value)}
          disabled={disabled}
          error={hasFieldError(errors, "status")}
          onCheckedChange={(checked) =>
            change(setKey(tree, row.id, "status", checked === true ? CONSENT_STATUSES.filter((s) => s === value || status.includes(s)) : status.filter((s) => s !== value)))
          }
        >
          <Text size={3}>{t(`rules.consent.${value}`)}</Text>
        </Checkbox>
      ))}
    </Box>
  );
};

const CountFields = ({ row, errors, noun }: RowProps & { noun: string }) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const mode = countMode(row.condition.count);
  const count = row.condition.count as JsonObject | undefined;
  return (
    <>
      <SelectControl
        label={t("rules.field.count")}
        value={mode}
        options={[
          ...COUNT_MODES.map((value) => ({ value, label: t(`rules.count.${value}`, { noun }) })),
          ...(mode === "other" ? [{ value: "other", label: t("rules.count.other", { op: t(`rules.op.${str(count?.op)}`) }) }] : []),
        ]}
        onChange={(v) => v !== "other" && change(updateCondition(tree, row.id, (c) => withCountMode(c, v as (typeof COUNT_MODES)[number])))}
        error={hasFieldError(errors, "count.op") || hasFieldError(errors, "count")}
        testId="count-mode"
      />
      {mode !== "did_not" && (
        <NumberControl
          label={t("rules.field.times")}
          value={count && typeof count === "object" && "value" in count ? count.value : countValue(undefined)}
          onChange={(v) => change(updateCondition(tree, row.id, (c) => withCountValue(c, v)))}
          error={hasFieldError(errors, "count.value")}
          testId="count-value"
          width="100px"
        />
      )}
    </>
  );
};

const WindowFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const window = (row.condition.window ?? undefined) as JsonObject | undefined;
  const mode = windowMode(window);
  const setPart = (key: string, value: Json | undefined) => {
    const { [key]: _old, ...rest } = window ?? {};
    change(setKey(tree, row.id, "window", value === undefined ? rest : { ...rest, [key]: value }));
  };
  const error = hasFieldError(errors, "window");
  return (
    <>
      <SelectControl
        label={t("rules.field.window")}
        value={mode}
        options={WINDOW_MODES.map((value) => ({ value, label: t(`rules.window.${value}`) }))}
        onChange={(v) => change(updateCondition(tree, row.id, (c) => withWindowMode(c, v as (typeof WINDOW_MODES)[number])))}
        error={error}
        testId="window-mode"
      />
      {mode === "last_days" && (
        <NumberControl label={t("rules.field.days")} value={window?.last_days} onChange={(v) => setPart("last_days", v)} error={hasFieldError(errors, "window.last_days") || error} testId="window-days" width="100px" />
      )}
      {mode === "dates" && (
        <>
          <TextControl type="date" label={t("rules.field.fromDate")} value={str(window?.start)} onChange={(v) => setPart("start", v || undefined)} error={hasFieldError(errors, "window.start") || error} testId="window-start" width="170px" />
          <TextControl type="date" label={t("rules.field.toDate")} value={str(window?.end)} onChange={(v) => setPart("end", v || undefined)} error={hasFieldError(errors, "window.end") || error} testId="window-end" width="170px" />
        </>
      )}
    </>
  );
};

const WhereFields = ({ row, errors, properties }: RowProps & { properties: string[] }) => {
  const t = useT();
  const { tree, change, disabled } = useBuilder();
  const listId = useId();
  const filters = Array.isArray(row.condition.where) ? (row.condition.where as JsonObject[]) : [];
  const write = (next: JsonObject[]) => change(setKey(tree, row.id, "where", next.length ? next : undefined));
  const setFilter = (index: number, filter: JsonObject) => write(filters.map((f, i) => (i === index ? filter : f)));
  return (
    <Box role="group" aria-label={t("rules.field.where")} display="flex" flexDirection="column" gap={2} width="100%" data-testid="where-filters">
      <datalist id={listId}>
        {properties.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {filters.map((filter, index) => {
        const op = str(filter.op) || "eq";
        const kind = whereValueKind(op, filter.value);
        const at = (part: string) => hasFieldError(errors, `where.${index}.${part}`) || hasFieldError(errors, `where.${index}`);
        return (
          <Box key={index} display="flex" gap={2} alignItems="flex-end" flexWrap="wrap" data-testid="where-filter">
            <TextControl label={t("rules.where.property")} value={str(filter.property)} onChange={(v) => setFilter(index, { ...filter, property: v })} error={at("property")} list={listId} testId="where-property" width="180px" />
            <SelectControl
              label={t("rules.field.op")}
              value={op}
              options={WHERE_OPERATORS.map((value) => ({ value, label: t(`rules.whereOp.${value}`) }))}
              onChange={(v) => setFilter(index, { ...filter, op: v, value: whereValueFrom(v, whereValueKind(v, filter.value), whereValueText(filter.value)) })}
              error={at("op")}
              testId="where-op"
              width="160px"
            />
            {(op === "eq" || op === "ne" || op === "has") && (
              <SelectControl
                label={t("rules.where.kind")}
                value={kind}
                options={WHERE_VALUE_KINDS.map((value) => ({ value, label: t(`rules.where.kind.${value}`) }))}
                onChange={(v) => setFilter(index, { ...filter, value: whereValueFrom(op, v as WhereValueKind, whereValueText(filter.value)) })}
                testId="where-kind"
                width="130px"
              />
            )}
            {kind === "boolean" ? (
              <SelectControl
                label={t("rules.field.value")}
                value={filter.value === true ? "true" : "false"}
                options={[
                  { value: "true", label: t("rules.boolean.true") },
                  { value: "false", label: t("rules.boolean.false") },
                ]}
                onChange={(v) => setFilter(index, { ...filter, value: v === "true" })}
                error={at("value")}
                testId="where-value"
                width="130px"
              />
            ) : (
              <TextControl
                label={op === "in" ? t("rules.where.values") : t("rules.field.value")}
                value={whereValueText(filter.value)}
                onChange={(v) => setFilter(index, { ...filter, value: whereValueFrom(op, kind, v) })}
                error={at("value")}
                testId="where-value"
              />
            )}
            <Button variant="tertiary" size="small" disabled={disabled} onClick={() => write(filters.filter((_, i) => i !== index))} data-testid="remove-where">
              {t("rules.where.remove")}
            </Button>
          </Box>
        );
      })}
      <Box>
        <Button variant="secondary" size="small" disabled={disabled || filters.length >= 10} onClick={() => write([...filters, { property: "", op: "eq", value: "" }])} data-testid="add-where">
          {t("rules.where.add")}
        </Button>
      </Box>
    </Box>
  );
};

const EventFields = (props: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const { row, errors } = props;
  const listId = useId();
  const eventTypes = useRuleEventTypes();
  const eventType = str(row.condition.event_type);
  const known = (eventTypes.data?.eventTypes ?? []).filter((e) => !e.type.startsWith("segment."));
  const properties = known.find((e) => e.type === eventType)?.properties ?? [];
  return (
    <>
      <TextControl
        label={t("rules.field.event_type")}
        value={eventType}
        onChange={(v) => change(setKey(tree, row.id, "event_type", v.trim()))}
        error={hasFieldError(errors, "event_type")}
        list={listId}
        testId="event-type"
        width="240px"
        placeholder="product.viewed"
      />
      <datalist id={listId}>
        {known.map((e) => (
          <option key={e.type} value={e.type}>
            {t("rules.event.seen", { count: e.count })}
          </option>
        ))}
      </datalist>
      <CountFields {...props} noun={t("rules.noun.times")} />
      <WindowFields {...props} />
      {eventTypes.isError && (
        <Text size={2} color="default2">
          {t("rules.event.typesUnavailable")}
        </Text>
      )}
      <WhereFields {...props} properties={properties} />
    </>
  );
};

const OrderFields = (props: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const { row, errors } = props;
  const channels = useSaleorChannels();
  const ids = (key: string) => (Array.isArray(row.condition[key]) ? (row.condition[key] as Json[]).filter((v): v is string => typeof v === "string") : []);
  const setIds = (key: string, next: string[]) => change(setKey(tree, row.id, key, next.length ? next : undefined));
  const channel = str(row.condition.channel);
  return (
    <>
      <CountFields {...props} noun={t("rules.noun.orders")} />
      <WindowFields {...props} />
      <SelectControl
        label={t("rules.field.channel")}
        value={channel || "*"}
        options={[{ value: "*", label: t("rules.order.anyChannel") }, ...(channels.data?.channels ?? []).map((c) => ({ value: c.slug, label: `${c.name} (${c.currencyCode})` }))]}
        onChange={(v) => change(setKey(tree, row.id, "channel", v === "*" ? undefined : v))}
        error={hasFieldError(errors, "channel")}
        testId="order-channel"
        width="220px"
      />
      <Box display="flex" gap={4} flexWrap="wrap" width="100%">
        <CataloguePicker kind="product" label={t("rules.field.product_ids")} ids={ids("product_ids")} onChange={(next) => setIds("product_ids", next)} error={hasFieldError(errors, "product_ids")} />
        <CataloguePicker kind="variant" label={t("rules.field.variant_ids")} ids={ids("variant_ids")} onChange={(next) => setIds("variant_ids", next)} error={hasFieldError(errors, "variant_ids")} />
        <CataloguePicker kind="category" label={t("rules.field.category_ids")} ids={ids("category_ids")} onChange={(next) => setIds("category_ids", next)} error={hasFieldError(errors, "category_ids")} />
      </Box>
      {channels.isError && (
        <Text size={2} color="default2">
          {t("rules.saleor.unavailable")}
        </Text>
      )}
    </>
  );
};

const EmailFields = (props: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const { row, errors } = props;
  return (
    <>
      <SelectControl
        label={t("rules.field.action")}
        value={str(row.condition.action)}
        options={EMAIL_ACTIONS.map((value) => ({ value, label: t(`rules.email.${value}`) }))}
        onChange={(v) => change(setKey(tree, row.id, "action", v))}
        error={hasFieldError(errors, "action")}
        testId="email-action"
      />
      <CountFields {...props} noun={t("rules.noun.times")} />
      <WindowFields {...props} />
    </>
  );
};

const segmentPk = (globalId: string): number | null => {
  try {
    const [kind, pk] = atob(globalId).split(":");
    return kind === "Segment" && pk !== undefined && /^\d+$/.test(pk) ? Number(pk) : null;
  } catch {
    return null;
  }
};

const SegmentFields = ({ row, errors }: RowProps) => {
  const t = useT();
  const { tree, change } = useBuilder();
  const segments = useRuleSegments();
  const chosen = typeof row.condition.segment_id === "number" ? String(row.condition.segment_id) : "";
  const options = (segments.data?.segments ?? []).flatMap((s) => {
    const pk = segmentPk(s.id);
    return pk === null ? [] : [{ value: String(pk), label: t("rules.segment.option", { name: s.name, count: s.memberCount }) }];
  });
  const missing = chosen && segments.data && !options.some((o) => o.value === chosen);
  return (
    <>
      <SelectControl
        label={t("rules.field.member")}
        value={row.condition.member === false ? "false" : "true"}
        options={[
          { value: "true", label: t("rules.segment.member") },
          { value: "false", label: t("rules.segment.notMember") },
        ]}
        onChange={(v) => change(setKey(tree, row.id, "member", v === "true"))}
        error={hasFieldError(errors, "member")}
        testId="segment-member"
      />
      <SelectControl
        label={t("rules.field.segment_id")}
        value={chosen}
        options={missing ? [{ value: chosen, label: t("rules.segment.missing", { id: chosen }) }, ...options] : options}
        onChange={(v) => change(setKey(tree, row.id, "segment_id", Number(v)))}
        error={hasFieldError(errors, "segment_id")}
        testId="segment-id"
        width="300px"
      />
      {segments.isError && (
        <Text size={2} color="default2">
          {t("rules.segment.unavailable")}
        </Text>
      )}
    </>
  );
};

// ---------------------------------------------------------------- Saleor catalogue picker

const CataloguePicker = ({ kind, label, ids, onChange, error }: { kind: CatalogueKind; label: string; ids: string[]; onChange: (ids: string[]) => void; error: boolean }) => {
  const t = useT();
  const { disabled } = useBuilder();
  const [search, setSearch] = useState("");
  const names = useCatalogueNames(kind, ids);
  const found = useCatalogueSearch(kind, search);
  const labels = new Map((names.data ?? []).map((item) => [item.id, item.label]));
  const headingId = useId();
  return (
    <Box role="group" aria-labelledby={headingId} display="flex" flexDirection="column" gap={1} __minWidth="260px" __flex="1" data-testid={`picker-${kind}`}>
      <Text id={headingId} size={3} fontWeight="medium" color={error ? "critical1" : undefined}>
        {label}
      </Text>
      {ids.length === 0 && (
        <Text size={2} color="default2">
          {t(`rules.picker.none.${kind}`)}
        </Text>
      )}
      {ids.map((id) => {
        const name = labels.get(id);
        return (
          <Box key={id} display="flex" alignItems="center" gap={2} data-testid="picked">
            <Text size={3}>{name ?? (names.isPending ? t("rules.picker.loadingName") : names.isError ? id : t("rules.picker.notFound", { id }))}</Text>
            <Button variant="tertiary" size="small" disabled={disabled} onClick={() => onChange(ids.filter((x) => x !== id))} aria-label={t("rules.picker.remove", { name: name ?? id })}>
              {t("rules.picker.removeShort")}
            </Button>
          </Box>
        );
      })}
      <Input size="small" label={t(`rules.picker.search.${kind}`)} value={search} disabled={disabled} onChange={(e) => setSearch(e.target.value)} data-testid={`picker-search-${kind}`} />
      {search.trim() !== "" && (
        <Box display="flex" flexDirection="column" gap={1} data-testid={`picker-results-${kind}`}>
          {found.isPending && !found.data ? (
            <Text size={2} color="default2">
              {t("rules.picker.searching")}
            </Text>
          ) : found.isError ? (
            <Text size={2} color="critical1">
              {t("rules.saleor.unavailable")}
            </Text>
          ) : (found.data ?? []).length === 0 ? (
            <Text size={2} color="default2">
              {t("rules.picker.noResults")}
            </Text>
          ) : (
            (found.data ?? []).map((item) => (
              <Box key={item.id}>
                <Button
                  variant="tertiary"
                  size="small"
                  disabled={disabled || ids.includes(item.id)}
                  onClick={() => {
                    onChange([...ids, item.id]);
                    setSearch("");
                  }}
                  aria-label={t("rules.picker.add", { name: item.label })}
                >
                  {item.label}
                </Button>
              </Box>
            ))
          )}
        </Box>
      )}
    </Box>
  );
};

