/**
 * The segment rule builder's state: a segment definition (docs/segments.md) as a tree of rows
 * with stable ids, converted both ways without loss, the edits the builder offers, and the
 * API's DefinitionError paths (`root.conditions.1.value`) placed on the row and field they
 * concern. Pure: no React, no I/O.
 *
 * Groups: "and" (all of), "or" (any of) and "not" (none of). A "none of" group with several
 * rows is written `{"type": "not", "condition": {"type": "or", "conditions": [...]}}`; with one
 * row, `{"type": "not", "condition": <row>}`. A condition row keeps its definition object as it
 * is, so keys the builder has no editor for survive a round trip.
 */

import { defaultPrediction } from "./prediction";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const MAX_NODES = 200;
export const MAX_DEPTH = 12;
export const MAX_DAYS = 3650;

export type GroupType = "and" | "or" | "not";
export const GROUP_TYPES: readonly GroupType[] = ["and", "or", "not"];

export const CONDITION_TYPES = [
  "profile",
  "attribute",
  "age",
  "birthday",
  "spend",
  "prediction",
  "consent",
  "event",
  "order",
  "email",
  "segment",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export type RuleGroup = { kind: "group"; id: string; type: GroupType; children: RuleNode[] };
export type RuleCondition = { kind: "condition"; id: string; condition: JsonObject };
export type RuleNode = RuleGroup | RuleCondition;
export type RuleTree = { version: Json; root: RuleNode; nextId: number };
export type Definition = JsonObject;

/** One DefinitionError of the API (schema.graphql). */
export type DefinitionError = { field: string; message: string };
export type RowError = { field: string; message: string };
export type PlacedErrors = { byRow: Record<string, RowError[]>; general: DefinitionError[] };

// ---------------------------------------------------------------- profile fields and operators

export type FieldKind = "text" | "number" | "boolean" | "date";

export const PROFILE_FIELDS: Record<FieldKind, readonly string[]> = {
  text: ["email", "first_name", "last_name", "gender", "language_code", "country", "city", "time_zone", "lifecycle_stage", "preferred_channel"],
  number: [
    "orders_count",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "email_opens_30d",
    "email_opens_90d",
    "email_clicks_30d",
    "email_clicks_90d",
    "best_send_hour",
  ],
  boolean: ["is_customer"],
  date: [
    "birthday",
    "date_joined",
    "created_at",
    "first_order_at",
    "last_order_at",
    "last_seen_at",
    "predicted_next_order_at",
    "last_email_open_at",
    "last_email_click_at",
  ],
};

export const OPERATORS: Record<FieldKind, readonly string[]> = {
  text: ["eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "is_set", "is_not_set"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "is_set", "is_not_set"],
  boolean: ["eq"],
  date: ["before", "after", "between", "in_last_days", "more_than_days_ago", "in_next_days", "is_set", "is_not_set"],
};

/** Operators of `attribute` (text), `age` and `spend`. */
export const ATTRIBUTE_OPERATORS = OPERATORS.text;
export const AGE_OPERATORS: readonly string[] = ["eq", "gt", "gte", "lt", "lte", "between"];
export const COMPARISONS: readonly string[] = ["eq", "ne", "gt", "gte", "lt", "lte"];
export const SPEND_METRICS: readonly string[] = ["total", "orders", "average_order_value"];
export const CONSENT_STATUSES: readonly string[] = ["unknown", "pending", "granted", "withdrawn"];
export const EMAIL_ACTIONS: readonly string[] = ["opened", "clicked", "delivered", "bounced", "complained", "unsubscribed"];
export const WHERE_OPERATORS: readonly string[] = ["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"];
/** The learned channel a contact answers on (contacts/channel_preference.py). */
export const PREFERRED_CHANNELS: readonly string[] = ["email", "sms", "push"];
export const LIFECYCLE_STAGES: readonly string[] = [
  "prospect",
  "subscriber",
  "first_time_buyer",
  "repeat",
  "vip",
  "lapsing",
  "lapsed",
];

export const fieldKind = (field: string): FieldKind | null =>
  (Object.keys(PROFILE_FIELDS) as FieldKind[]).find((kind) => PROFILE_FIELDS[kind].includes(field)) ?? null;

/** The operators a profile field takes (none for an unknown field). */
export const operatorsFor = (field: string): readonly string[] => {
  const kind = fieldKind(field);
  return kind ? OPERATORS[kind] : [];
};

/** What a value editor edits for a field kind and operator. */
export type ValueShape = "text" | "texts" | "number" | "numberRange" | "boolean" | "date" | "dateRange" | "days" | "none";

export const valueShape = (kind: FieldKind | null, op: string): ValueShape => {
  if (op === "is_set" || op === "is_not_set") return "none";
  switch (kind) {
    case "text":
      return op === "in" || op === "not_in" ? "texts" : "text";
    case "number":
      return op === "between" ? "numberRange" : "number";
    case "boolean":
      return "boolean";
    case "date":
      if (op === "in_last_days" || op === "more_than_days_ago" || op === "in_next_days") return "days";
      return op === "between" ? "dateRange" : "date";
    default:
      return "text";
  }
};

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const today = () => new Date().toISOString().slice(0, 10);

/** The value a shape starts with, keeping what the previous value can give. */
export const valueFor = (shape: ValueShape, previous: Json | undefined): Json => {
  const first = Array.isArray(previous) ? previous[0] : previous;
  switch (shape) {
    case "none":
      return null;
    case "text":
      return typeof first === "string" ? first : typeof first === "number" ? String(first) : "";
    case "texts":
      if (Array.isArray(previous) && previous.every((v) => typeof v === "string")) return previous;
      return typeof first === "string" && first !== "" ? [first] : [];
    case "number":
      return typeof first === "number" ? first : 0;
    case "numberRange":
      if (Array.isArray(previous) && previous.length === 2 && previous.every((v) => typeof v === "number")) return previous;
      return typeof first === "number" ? [first, first] : [0, 10];
    case "boolean":
      return typeof previous === "boolean" ? previous : true;
    case "date":
      return typeof first === "string" && /^\d{4}-\d{2}-\d{2}$/.test(first) ? first : today();
    case "dateRange": {
      if (Array.isArray(previous) && previous.length === 2 && previous.every((v) => typeof v === "string")) return previous;
      const start = typeof first === "string" && /^\d{4}-\d{2}-\d{2}$/.test(first) ? first : today();
      return [start, start];
    }
    case "days":
      return typeof first === "number" && Number.isInteger(first) && first >= 0 ? first : 30;
  }
};

// ---------------------------------------------------------------- condition defaults

/** A new condition of a type, valid where the type allows it without a choice by the admin (a
 * new row is not marked as an error before the admin has touched it; an event type, an
 * attribute key and a segment have to be chosen). */
export const defaultCondition = (type: ConditionType): JsonObject => {
  switch (type) {
    case "profile":
      return { type, field: "email", op: "is_set", value: null };
    case "attribute":
      return { type, key: "", op: "eq", value: "" };
    case "age":
      return { type, op: "gte", value: 18 };
    case "birthday":
      return { type, within_days: 7 };
    case "spend":
      return { type, currency: "USD", metric: "total", op: "gte", value: 100 };
    case "prediction":
      return defaultPrediction();
    case "consent":
      return { type, channel: "email", status: ["granted"] };
    case "event":
      return { type, event_type: "", count: { op: "gte", value: 1 } };
    case "order":
      return { type, count: { op: "gte", value: 1 } };
    case "email":
      return { type, action: "opened", count: { op: "gte", value: 1 }, window: { last_days: 30 } };
    case "segment":
      return { type, segment_id: null, member: true };
  }
};

const conditionType = (condition: JsonObject): ConditionType | null => {
  const type = condition.type;
  return typeof type === "string" && (CONDITION_TYPES as readonly string[]).includes(type) ? (type as ConditionType) : null;
};

export const typeOf = conditionType;

/** A profile condition on another field: the operator kept if the new kind has it. */
export const withProfileField = (condition: JsonObject, field: string): JsonObject => {
  const kind = fieldKind(field);
  const ops = kind ? OPERATORS[kind] : [];
  const op = typeof condition.op === "string" && ops.includes(condition.op) ? condition.op : (ops[0] ?? "eq");
  const sameKind = kind !== null && kind === fieldKind(typeof condition.field === "string" ? condition.field : "");
  const value = valueFor(valueShape(kind, op), sameKind ? condition.value : undefined);
  return { ...condition, field, op, value };
};

/** A condition with another operator, its value reshaped (a text to a list for `in`, ...). */
export const withOp = (condition: JsonObject, op: string): JsonObject => {
  const type = conditionType(condition);
  if (type === "profile") {
    const kind = fieldKind(typeof condition.field === "string" ? condition.field : "");
    return { ...condition, op, value: valueFor(valueShape(kind, op), condition.value) };
  }
  if (type === "attribute") return { ...condition, op, value: valueFor(valueShape("text", op), condition.value) };
  if (type === "age") return { ...condition, op, value: valueFor(op === "between" ? "numberRange" : "number", condition.value) };
  return { ...condition, op };
};

// ---------------------------------------------------------------- counts and windows

export type CountMode = "at_least" | "exactly" | "at_most" | "did_not" | "other";
export const COUNT_MODES: readonly Exclude<CountMode, "other">[] = ["at_least", "exactly", "at_most", "did_not"];

/** How a count reads: absent is "at least once"; `eq 0` is "did not". */
export const countMode = (count: Json | undefined): CountMode => {
  if (count === undefined || count === null) return "at_least";
  if (!isObject(count)) return "other";
  const op = count.op ?? "gte";
  if (op === "eq" && count.value === 0) return "did_not";
  return op === "gte" ? "at_least" : op === "eq" ? "exactly" : op === "lte" ? "at_most" : "other";
};

export const countValue = (count: Json | undefined): number => {
  if (isObject(count) && typeof count.value === "number") return count.value;
  return 1;
};

export const withCountMode = (condition: JsonObject, mode: Exclude<CountMode, "other">): JsonObject => {
  if (mode === "did_not") return { ...condition, count: { op: "eq", value: 0 } };
  const previous = countValue(condition.count);
  const value = previous === 0 ? 1 : previous;
  return { ...condition, count: { op: mode === "at_least" ? "gte" : mode === "exactly" ? "eq" : "lte", value } };
};

/** The count's number as typed (a cleared field is null until a number is typed again). */
export const withCountValue = (condition: JsonObject, value: Json): JsonObject => {
  const count = isObject(condition.count) ? condition.count : { op: "gte" };
  return { ...condition, count: { ...count, op: count.op ?? "gte", value } };
};

export type WindowMode = "ever" | "last_days" | "dates";
export const WINDOW_MODES: readonly WindowMode[] = ["ever", "last_days", "dates"];

export const windowMode = (window: Json | undefined): WindowMode => {
  if (!isObject(window)) return "ever";
  return "last_days" in window ? "last_days" : "dates";
};

export const withWindowMode = (condition: JsonObject, mode: WindowMode): JsonObject => {
  const { window: _old, ...rest } = condition;
  if (mode === "ever") return rest;
  if (mode === "last_days") return { ...rest, window: { last_days: 30 } };
  return { ...rest, window: { start: today(), end: today() } };
};

// ---------------------------------------------------------------- definition <-> tree

type Counter = { next: number };

const build = (raw: Json, counter: Counter): RuleNode => {
  const id = `r${counter.next++}`;
  if (isObject(raw) && (raw.type === "and" || raw.type === "or") && Array.isArray(raw.conditions) && Object.keys(raw).length === 2) {
    return { kind: "group", id, type: raw.type, children: raw.conditions.map((child) => build(child, counter)) };
  }
  if (isObject(raw) && raw.type === "not" && isObject(raw.condition) && Object.keys(raw).length === 2) {
    const inner = raw.condition;
    // not(or(a, b, ...)) is "none of a, b, ..."; not(x) is "none of x" (x may be an or of one).
    if (inner.type === "or" && Array.isArray(inner.conditions) && inner.conditions.length >= 2 && Object.keys(inner).length === 2) {
      return { kind: "group", id, type: "not", children: inner.conditions.map((child) => build(child, counter)) };
    }
    return { kind: "group", id, type: "not", children: [build(inner, counter)] };
  }
  return { kind: "condition", id, condition: (isObject(raw) ? structuredClone(raw) : { type: null, value: raw }) as JsonObject };
};

/** The builder's tree of a definition (an unreadable one becomes an empty "all of" group). */
export const fromDefinition = (definition: unknown): RuleTree => {
  const counter = { next: 1 };
  if (!isObject(definition) || !("root" in definition)) {
    return { version: 1, root: { kind: "group", id: `r${counter.next++}`, type: "and", children: [] }, nextId: counter.next };
  }
  const root = build(definition.root as Json, counter);
  return { version: definition.version ?? 1, root, nextId: counter.next };
};

const write = (node: RuleNode): Json => {
  if (node.kind === "condition") return structuredClone(node.condition);
  const conditions = node.children.map(write);
  if (node.type !== "not") return { type: node.type, conditions };
  if (conditions.length === 1) return { type: "not", condition: conditions[0] as Json };
  return { type: "not", condition: { type: "or", conditions } };
};

/** The definition the tree stands for (what the API validates and saves). */
export const toDefinition = (tree: RuleTree): Definition => ({ version: tree.version, root: write(tree.root) });

/** A fresh tree for a new segment: "all of" one condition. */
export const newTree = (): RuleTree => ({
  version: 1,
  root: { kind: "group", id: "r1", type: "and", children: [{ kind: "condition", id: "r2", condition: defaultCondition("profile") }] },
  nextId: 3,
});

// ---------------------------------------------------------------- reading the tree

export const findNode = (node: RuleNode, id: string): RuleNode | null => {
  if (node.id === id) return node;
  if (node.kind === "group") {
    for (const child of node.children) {
      const found = findNode(child, id);
      if (found) return found;
    }
  }
  return null;
};

export const parentOf = (node: RuleNode, id: string): RuleGroup | null => {
  if (node.kind !== "group") return null;
  for (const child of node.children) {
    if (child.id === id) return node;
    const found = parentOf(child, id);
    if (found) return found;
  }
  return null;
};

/** Nodes as the definition counts them (a "none of" group of several is two: not and or). */
export const nodeCount = (node: RuleNode): number => {
  if (node.kind === "condition") return 1;
  const own = node.type === "not" && node.children.length !== 1 ? 2 : 1;
  return own + node.children.reduce((sum, child) => sum + nodeCount(child), 0);
};

/** Nesting depth as the definition counts it. */
export const depthOf = (node: RuleNode): number => {
  if (node.kind === "condition") return 1;
  const own = node.type === "not" && node.children.length !== 1 ? 2 : 1;
  return own + Math.max(0, ...node.children.map(depthOf));
};

/** Depth (1 for the root) at which a node sits, or 0 when it is not in the tree. */
export const levelOf = (root: RuleNode, id: string, level = 1): number => {
  if (root.id === id) return level;
  if (root.kind !== "group") return 0;
  for (const child of root.children) {
    const found = levelOf(child, id, level + 1);
    if (found) return found;
  }
  return 0;
};

// ---------------------------------------------------------------- edits

const mapNode = (node: RuleNode, id: string, change: (node: RuleNode) => RuleNode): RuleNode => {
  if (node.id === id) return change(node);
  if (node.kind !== "group") return node;
  let changed = false;
  const children = node.children.map((child) => {
    const next = mapNode(child, id, change);
    if (next !== child) changed = true;
    return next;
  });
  return changed ? { ...node, children } : node;
};

const withRoot = (tree: RuleTree, root: RuleNode, nextId = tree.nextId): RuleTree =>
  root === tree.root && nextId === tree.nextId ? tree : { ...tree, root, nextId };

/** The edited tree if it keeps within the definition's limits (200 nodes, 12 levels), else the
 * tree as it was (the edit is not offered). */
const within = (tree: RuleTree, next: RuleTree): RuleTree =>
  nodeCount(next.root) <= MAX_NODES && depthOf(next.root) <= Math.max(MAX_DEPTH, depthOf(tree.root)) ? next : tree;

/**
 * Add a condition to a group (at its end). Added to a condition row, the row and the new
 * condition become an "all of" group in its place.
 */
export const addCondition = (tree: RuleTree, targetId: string, type: ConditionType = "profile"): RuleTree => {
  const target = findNode(tree.root, targetId);
  if (!target) return tree;
  const condition: RuleCondition = { kind: "condition", id: `r${tree.nextId}`, condition: defaultCondition(type) };
  if (target.kind === "group") {
    return within(tree, withRoot(tree, mapNode(tree.root, targetId, (n) => ({ ...(n as RuleGroup), children: [...(n as RuleGroup).children, condition] })), tree.nextId + 1));
  }
  const group: RuleGroup = { kind: "group", id: `r${tree.nextId + 1}`, type: "and", children: [target, condition] };
  return within(tree, withRoot(tree, mapNode(tree.root, targetId, () => group), tree.nextId + 2));
};

/** Add a nested group (with one condition to start from) at the end of a group. */
export const addGroup = (tree: RuleTree, groupId: string, type: GroupType = "or"): RuleTree => {
  const target = findNode(tree.root, groupId);
  if (target?.kind !== "group") return tree;
  const group: RuleGroup = {
    kind: "group",
    id: `r${tree.nextId}`,
    type,
    children: [{ kind: "condition", id: `r${tree.nextId + 1}`, condition: defaultCondition("profile") }],
  };
  return within(tree, withRoot(tree, mapNode(tree.root, groupId, (n) => ({ ...(n as RuleGroup), children: [...(n as RuleGroup).children, group] })), tree.nextId + 2));
};

/** Remove a row (a condition or a whole group). The root is never removed: it is emptied. */
export const removeNode = (tree: RuleTree, id: string): RuleTree => {
  if (tree.root.id === id) {
    return withRoot(tree, { kind: "group", id: `r${tree.nextId}`, type: "and", children: [] }, tree.nextId + 1);
  }
  const parent = parentOf(tree.root, id);
  if (!parent) return tree;
  return withRoot(tree, mapNode(tree.root, parent.id, (n) => ({ ...(n as RuleGroup), children: (n as RuleGroup).children.filter((c) => c.id !== id) })));
};

export const setGroupType = (tree: RuleTree, groupId: string, type: GroupType): RuleTree =>
  withRoot(tree, mapNode(tree.root, groupId, (n) => (n.kind === "group" ? { ...n, type } : n)));

/** Wrap a row in a "none of" group (not). */
export const wrapInNot = (tree: RuleTree, id: string): RuleTree => {
  const target = findNode(tree.root, id);
  if (!target) return tree;
  const group: RuleGroup = { kind: "group", id: `r${tree.nextId}`, type: "not", children: [target] };
  return within(tree, withRoot(tree, mapNode(tree.root, id, () => group), tree.nextId + 1));
};

/** Replace a condition row's definition object (the row keeps its id). */
export const updateCondition = (tree: RuleTree, id: string, change: (condition: JsonObject) => JsonObject): RuleTree =>
  withRoot(
    tree,
    mapNode(tree.root, id, (n) => {
      if (n.kind !== "condition") return n;
      const condition = change(n.condition);
      return condition === n.condition ? n : { ...n, condition };
    }),
  );

export const setConditionType = (tree: RuleTree, id: string, type: ConditionType): RuleTree =>
  updateCondition(tree, id, (condition) => (condition.type === type ? condition : defaultCondition(type)));

export const setProfileField = (tree: RuleTree, id: string, field: string): RuleTree =>
  updateCondition(tree, id, (condition) => withProfileField(condition, field));

export const setOp = (tree: RuleTree, id: string, op: string): RuleTree => updateCondition(tree, id, (condition) => withOp(condition, op));

export const setValue = (tree: RuleTree, id: string, value: Json): RuleTree =>
  updateCondition(tree, id, (condition) => ({ ...condition, value }));

/** Set (or, with `undefined`, remove) one key of a condition. */
export const setKey = (tree: RuleTree, id: string, key: string, value: Json | undefined): RuleTree =>
  updateCondition(tree, id, (condition) => {
    const { [key]: _old, ...rest } = condition;
    return value === undefined ? rest : { ...rest, [key]: value };
  });

// ---------------------------------------------------------------- errors on rows

/** Each node's definition path (`root.conditions.1`), with the extra path of a "none of" group's or. */
export const nodePaths = (tree: RuleTree): Map<string, string> => {
  const paths = new Map<string, string>();
  const visit = (node: RuleNode, path: string) => {
    paths.set(path, node.id);
    if (node.kind !== "group") return;
    if (node.type === "not") {
      if (node.children.length === 1) {
        visit(node.children[0] as RuleNode, `${path}.condition`);
        return;
      }
      paths.set(`${path}.condition`, node.id);
      node.children.forEach((child, index) => visit(child, `${path}.condition.conditions.${index}`));
      return;
    }
    node.children.forEach((child, index) => visit(child, `${path}.conditions.${index}`));
  };
  visit(tree.root, "root");
  return paths;
};

/**
 * The API's errors placed on their rows: the longest node path a field starts with names the
 * row, the rest the row's field (`value`, `count.value`, `where.0.property`; "" for the row
 * itself). Errors about the whole definition (`root`, `version`) or at a path the tree does
 * not have go to `general`.
 */
export const errorsByRow = (errors: readonly DefinitionError[], tree: RuleTree): PlacedErrors => {
  const paths = nodePaths(tree);
  const placed: PlacedErrors = { byRow: {}, general: [] };
  for (const error of errors) {
    const parts = error.field.split(".");
    let found: { id: string; rest: string } | null = null;
    for (let length = parts.length; length >= 1; length--) {
      const id = paths.get(parts.slice(0, length).join("."));
      if (id) {
        found = { id, rest: parts.slice(length).join(".") };
        break;
      }
    }
    // `root` itself is about the whole definition (too many nodes, too deep, no root); a
    // group's child the tree does not have is a path the tree does not know.
    if (found && error.field === "root") found = null;
    if (found && findNode(tree.root, found.id)?.kind === "group" && !["", "type", "conditions", "condition"].includes(found.rest)) found = null;
    if (!found) {
      placed.general.push(error);
      continue;
    }
    (placed.byRow[found.id] ??= []).push({ field: found.rest, message: error.message });
  }
  return placed;
};

/** Whether a row's errors concern a field (or a part of it: `count` for `count.value`). */
export const hasFieldError = (rowErrors: readonly RowError[] | undefined, field: string): boolean =>
  (rowErrors ?? []).some((e) => e.field === field || e.field.startsWith(`${field}.`));

// ---------------------------------------------------------------- event property filters

/** What an `eq`, `ne` or `has` filter compares: a text, a number or true/false (JSON values). */
export type WhereValueKind = "text" | "number" | "boolean";
export const WHERE_VALUE_KINDS: readonly WhereValueKind[] = ["text", "number", "boolean"];

export const whereValueKind = (op: string, value: Json | undefined): WhereValueKind => {
  if (op === "gt" || op === "gte" || op === "lt" || op === "lte") return "number";
  if (op === "in") return "text";
  return typeof value === "number" ? "number" : typeof value === "boolean" ? "boolean" : "text";
};

/** A filter's value as its field shows it (a list as comma-separated texts). */
export const whereValueText = (value: Json | undefined): string => {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
};

/** A filter's typed text as the value its operator and kind take. */
export const whereValueFrom = (op: string, kind: WhereValueKind, text: string): Json => {
  if (op === "in") return text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (kind === "boolean") return text.trim().toLowerCase() === "true";
  if (kind === "number") {
    const trimmed = text.trim();
    return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
  }
  return text;
};
