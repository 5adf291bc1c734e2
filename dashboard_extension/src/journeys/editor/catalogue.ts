/**
 * Every entry and node type of the journey definition (definition.py): its message ids, its
 * named outputs, the configuration a new one starts with and the fields of its form. The
 * palette, the canvas nodes, the side panel and the validation mirror all read this table,
 * so a type added to the language is added here once.
 */
import { DATE_ENTRY_FIELDS, recurringDefaults } from "./date-entries";
import { preferredDefaults } from "./preferred-channel";
import type { EntryType, JsonObject, NodeType } from "./types";

export type Output = {
  /** The handle id on the canvas; also names the definition field (`branch-<i>`: a split's). */
  handle: string;
  labelId: string;
  /** A split branch's share, shown beside its handle. */
  percent?: number;
};

export type FieldKind =
  | "eventType"
  | "where"
  | "entryKey"
  | "segment"
  | "dateField"
  | "int"
  | "bool"
  | "text"
  | "select"
  | "datetime"
  | "duration"
  | "weekdays"
  | "condition"
  | "branches"
  | "template"
  | "voucherValues"
  | "profileFields"
  | "metadata"
  | "url"
  | "list"
  | "subjectVariants"
  | "localTime"
  | "broadcastTest";

export type FieldSpec = {
  /** The key in the node's configuration. */
  name: string;
  kind: FieldKind;
  labelId: string;
  required?: boolean;
  min?: number;
  max?: number;
  options?: readonly string[];
  /** Templates: the channel a send step's template must be of. */
  channel?: "email" | "sms" | "push";
};

export type Family = "entry" | "wait" | "logic" | "message" | "action" | "end";

export type TypeSpec = {
  type: string;
  family: Family;
  labelId: string;
  descriptionId: string;
  /** Outputs of a node of this type with no configuration (a split's come from its branches). */
  outputs: readonly Output[];
  defaults: () => JsonObject;
  fields: readonly FieldSpec[];
};

const f = (name: string, kind: FieldKind, extra: Omit<FieldSpec, "name" | "kind" | "labelId"> = {}): FieldSpec => ({
  name,
  kind,
  labelId: `editor.field.${name}`,
  ...extra,
});

const NEXT: readonly Output[] = [{ handle: "next", labelId: "editor.output.next" }];
export const ENTRY_OUTPUT: Output = { handle: "start", labelId: "editor.output.start" };

const spec = (
  type: string,
  family: Family,
  outputs: readonly Output[],
  defaults: () => JsonObject,
  fields: readonly FieldSpec[],
): TypeSpec => ({
  type,
  family,
  labelId: `editor.type.${type}`,
  descriptionId: `editor.type.${type}.description`,
  outputs,
  defaults,
  fields,
});

export const DATE_FIELDS = DATE_ENTRY_FIELDS;
export const PROFILE_FIELDS = [
  "first_name",
  "last_name",
  "gender",
  "language_code",
  "country",
  "city",
  "time_zone",
  "birthday",
] as const;
export const REENTRY_MODES = ["once", "every_time", "after_days"] as const;

export const ENTRY_SPECS: Record<EntryType, TypeSpec> = {
  event: spec("event", "entry", [ENTRY_OUTPUT], () => ({ event_type: "" }), [
    f("event_type", "eventType", { required: true }),
    f("where", "where"),
    f("entry_key", "entryKey"),
  ]),
  segment_entered: spec("segment_entered", "entry", [ENTRY_OUTPUT], () => ({}), [
    f("segment_id", "segment", { required: true }),
  ]),
  // the date, its repeat and offset: the side panel's DateEntryFields (date-entries.ts)
  date: spec("date", "entry", [ENTRY_OUTPUT], () => ({ field: "birthday", days_offset: 0, at_hour: 9 }), [
    f("at_hour", "int", { min: 0, max: 23 }),
  ]),
  // its interval and first date: the side panel's RecurringFields
  recurring: spec("recurring", "entry", [ENTRY_OUTPUT], () => recurringDefaults(), [
    f("segment_id", "segment", { required: true }),
    f("at_hour", "int", { min: 0, max: 23 }),
  ]),
  trigger: spec("trigger", "entry", [ENTRY_OUTPUT], () => ({ key: "" }), [f("key", "text", { required: true })]),
  manual: spec("manual", "entry", [ENTRY_OUTPUT], () => ({}), []),
  broadcast: spec("broadcast", "entry", [ENTRY_OUTPUT], () => ({ local_time: false }), [
    f("segment_id", "segment", { required: true }),
    f("send_at", "datetime", { required: true }),
    f("local_time", "localTime"),
    f("test", "broadcastTest"),
  ]),
};

const send = (type: NodeType, channel: "email" | "sms" | "push"): TypeSpec =>
  spec(type, "message", NEXT, () => ({ template: "", at_best_hour: false }), [
    f("template", "template", { required: true, channel }),
    f("at_best_hour", "bool"),
    // email only: a subject-line test (subject-test.ts)
    ...(channel === "email" ? [f("subject_variants", "subjectVariants", { min: 2, max: 4 })] : []),
  ]);

const listChange = (type: NodeType): TypeSpec =>
  spec(type, "action", NEXT, () => ({ list: "" }), [f("list", "list", { required: true })]);

export const NODE_SPECS: Record<NodeType, TypeSpec> = {
  wait: spec("wait", "wait", NEXT, () => ({ duration: { days: 1 } }), [f("duration", "duration", { required: true })]),
  wait_until: spec("wait_until", "wait", NEXT, () => ({ hour: 9, weekdays: [0, 1, 2, 3, 4, 5, 6] }), [
    f("hour", "int", { required: true, min: 0, max: 23 }),
    f("weekdays", "weekdays", { required: true }),
  ]),
  wait_for_event: spec(
    "wait_for_event",
    "wait",
    [
      { handle: "on_event", labelId: "editor.output.on_event" },
      { handle: "on_timeout", labelId: "editor.output.on_timeout" },
    ],
    () => ({ event_type: "", timeout: { days: 3 } }),
    [f("event_type", "eventType", { required: true }), f("where", "where"), f("timeout", "duration", { required: true })],
  ),
  condition: spec(
    "condition",
    "logic",
    [
      { handle: "yes", labelId: "editor.output.yes" },
      { handle: "no", labelId: "editor.output.no" },
    ],
    () => ({ condition: { type: "order" } }),
    [f("condition", "condition", { required: true })],
  ),
  split: spec("split", "logic", [], () => ({ branches: [{ percent: 50 }, { percent: 50 }] }), [
    f("branches", "branches", { required: true, min: 2, max: 5 }),
  ]),
  send_email: send("send_email", "email"),
  send_sms: send("send_sms", "sms"),
  send_push: send("send_push", "push"),
  // its channels and their templates: the side panel's PreferredChannelsFields
  send_preferred: spec("send_preferred", "message", NEXT, preferredDefaults, [f("at_best_hour", "bool")]),
  give_voucher: spec(
    "give_voucher",
    "action",
    NEXT,
    () => ({ discount_type: "percentage", values: { "*": 10 }, valid_days: 14, code_prefix: "" }),
    [
      f("discount_type", "select", { options: ["percentage", "fixed"] }),
      f("values", "voucherValues", { required: true }),
      f("valid_days", "int", { min: 1, max: 365 }),
      f("code_prefix", "text"),
      f("currency", "text"),
    ],
  ),
  update_profile: spec("update_profile", "action", NEXT, () => ({ fields: {}, metadata: {} }), [
    f("fields", "profileFields"),
    f("metadata", "metadata"),
  ]),
  webhook: spec("webhook", "action", NEXT, () => ({ url: "" }), [f("url", "url", { required: true })]),
  list_add: listChange("list_add"),
  list_remove: listChange("list_remove"),
  // a card by post into the step's print batch (postal/services.py): the card's key, a cap
  // per batch, the cut-off hour in UTC
  send_postal: spec(
    "send_postal",
    "message",
    NEXT,
    () => ({ template: "win-back-card", max_per_batch: 1000, cutoff_hour: 12 }),
    [
      f("template", "text", { required: true }),
      f("max_per_batch", "int", { min: 1, max: 100000 }),
      f("cutoff_hour", "int", { min: 0, max: 23 }),
    ],
  ),
  exit: spec("exit", "end", [], () => ({}), []),
};

/** The fields whose values are outputs (edges on the canvas), per node type. */
export const OUTPUT_FIELDS: Record<NodeType, readonly string[]> = {
  wait: ["next"],
  wait_until: ["next"],
  wait_for_event: ["on_event", "on_timeout"],
  condition: ["yes", "no"],
  split: ["branches"],
  send_email: ["next"],
  send_sms: ["next"],
  send_push: ["next"],
  send_preferred: ["next"],
  give_voucher: ["next"],
  update_profile: ["next"],
  webhook: ["next"],
  list_add: ["next"],
  list_remove: ["next"],
  send_postal: ["next"],
  exit: [],
};

/** The node types that wait (a loop must pass one), as definition.py's WAITING. */
export const WAITING_TYPES: ReadonlySet<NodeType> = new Set(["wait", "wait_until", "wait_for_event"]);

export const branchHandle = (index: number): string => `branch-${index}`;

export const branchIndex = (handle: string): number | null => {
  const match = /^branch-(\d+)$/.exec(handle);
  return match ? Number(match[1]) : null;
};

/** The outputs of a node with this configuration (a split has one per branch, with its share). */
export const outputsOf = (type: NodeType, config: JsonObject): Output[] => {
  if (type !== "split") {
    return [...NODE_SPECS[type].outputs];
  }
  const branches = Array.isArray(config.branches) ? config.branches : [];
  return branches.map((branch, index) => {
    const percent = typeof branch === "object" && branch !== null && !Array.isArray(branch) ? branch.percent : undefined;
    return {
      handle: branchHandle(index),
      labelId: "editor.output.branch",
      ...(typeof percent === "number" ? { percent } : {}),
    };
  });
};

/** A readable id prefix for a new node of this type (`send-email-3`). */
export const idPrefix = (type: NodeType): string => type.replace(/_/g, "-");

export const PALETTE_ORDER: readonly Family[] = ["entry", "wait", "logic", "message", "action", "end"];
