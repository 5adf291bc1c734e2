/**
 * A client-side mirror of what `journey_parse` (definition.py) refuses, so the canvas marks
 * a node while the admin edits, before the server's `journeyValidate` answers. Problems are
 * addressed as the server addresses them (`nodes.<id>.<field>`, `entry.<field>`, `start`,
 * `reentry.days`, ...), so one mapping (`problemTarget`) puts both on the canvas. The shop
 * checks (`journey_check`: templates, segments, lists, channels exist) stay on the server.
 */
import { OUTPUT_FIELDS, PROFILE_FIELDS, REENTRY_MODES, WAITING_TYPES, outputsOf } from "./catalogue";
import { checkBroadcastTest } from "./broadcast-test";
import { ENTRY_ID } from "./convert";
import { checkPreferred } from "./preferred-channel";
import { checkDateEntry, checkRecurring, checkThreshold, isThresholdEntry } from "./date-entries";
import { checkSubjectVariants } from "./subject-test";
import type { Definition, Json, JsonObject, NodeType } from "./types";
import { ENTRY_TYPES, isNodeType, isObject } from "./types";

export const MAX_NODES = 100;
const NODE_ID = /^[A-Za-z0-9_-]{1,40}$/;
const TEMPLATE_KEY = /^[a-z0-9-]{1,64}$/;
const LIST_KEY = /^[a-z0-9\-_]{1,64}$/;
const TRIGGER_KEY = /^[a-z0-9-]{3,64}$/;
const CHANNEL_SLUG = /^(\*|[a-z0-9][a-z0-9\-_]{0,254})$/;
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,100}$/;
const TOPIC = /^[a-z0-9_-]{1,40}$/;
const PROPERTY_NAME = /^[A-Za-z0-9_]{1,64}$/;
const AWARE_MOMENT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `code` names the message (`editor.problem.<code>`); `values` fill it. */
export type Problem = { path: string; code: string; values?: Record<string, string | number> };

const isInt = (value: Json | undefined, min: number, max: number): boolean =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

const text = (value: Json | undefined): value is string => typeof value === "string" && value.trim() !== "";

type Add = (field: string, code: string, values?: Problem["values"]) => void;

const checkDuration = (value: Json | undefined, add: Add, field: string) => {
  if (!isObject(value)) {
    add(field, "required");
    return;
  }
  const days = value.days ?? 0;
  const hours = value.hours ?? 0;
  const minutes = value.minutes ?? 0;
  const limits: [string, Json, number][] = [
    ["days", days, 365],
    ["hours", hours, 24 * 365],
    ["minutes", minutes, 60 * 24 * 365],
  ];
  let valid = true;
  for (const [unit, amount, max] of limits) {
    if (!isInt(amount, 0, max)) {
      add(`${field}.${unit}`, "range", { min: 0, max });
      valid = false;
    }
  }
  if (valid && (days as number) * 1440 + (hours as number) * 60 + (minutes as number) <= 0) {
    add(field, "duration_zero");
  }
};

const checkWhere = (value: Json | undefined, add: Add, field: string) => {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length > 10) {
    add(field, "where_invalid");
    return;
  }
  value.forEach((filter, index) => {
    if (!isObject(filter) || typeof filter.property !== "string" || !PROPERTY_NAME.test(filter.property)) {
      add(`${field}.${index}.property`, "property_name");
      return;
    }
    const op = filter.op ?? "eq";
    const ops = ["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"];
    if (typeof op !== "string" || !ops.includes(op)) {
      add(`${field}.${index}.op`, "choice");
    } else if (op === "in" ? !(Array.isArray(filter.value) && filter.value.length > 0) : Array.isArray(filter.value)) {
      add(`${field}.${index}.value`, op === "in" ? "in_list" : "one_value");
    } else if (["gt", "gte", "lt", "lte"].includes(op) && typeof filter.value !== "number") {
      add(`${field}.${index}.value`, "number");
    } else if (filter.value === undefined || filter.value === null) {
      add(`${field}.${index}.value`, "required");
    }
  });
};

const checkEntry = (entry: Json | undefined, add: Add) => {
  if (!isObject(entry)) {
    add("entry", "no_entry");
    return;
  }
  const type = entry.type;
  if (typeof type !== "string" || !(ENTRY_TYPES as readonly string[]).includes(type)) {
    add("entry.type", "choice");
    return;
  }
  switch (type) {
    case "event":
      if (!text(entry.event_type)) add("entry.event_type", "required");
      checkWhere(entry.where, add, "entry.where");
      if (isThresholdEntry(entry)) checkThreshold(entry, add);
      if (entry.entry_key !== undefined && entry.entry_key !== null && typeof entry.entry_key !== "string") {
        add("entry.entry_key", "text");
      }
      break;
    case "segment_entered":
      if (!isInt(entry.segment_id, 1, Number.MAX_SAFE_INTEGER)) add("entry.segment_id", "required");
      break;
    case "date":
      checkDateEntry(entry, add);
      break;
    case "recurring":
      checkRecurring(entry, add);
      break;
    case "trigger":
      if (typeof entry.key !== "string" || !TRIGGER_KEY.test(entry.key)) add("entry.key", "trigger_key");
      break;
    case "manual":
      break;
    case "broadcast":
      if (!isInt(entry.segment_id, 1, Number.MAX_SAFE_INTEGER)) add("entry.segment_id", "required");
      if (typeof entry.send_at !== "string" || !AWARE_MOMENT.test(entry.send_at)) add("entry.send_at", "aware_moment");
      break;
  }
};

const checkSettings = (definition: Definition, add: Add) => {
  const { reentry, goal, holdout_percent: holdout } = definition;
  if (reentry !== undefined) {
    if (!isObject(reentry) || !(REENTRY_MODES as readonly Json[]).includes(reentry.mode ?? "once")) {
      add("reentry.mode", "choice");
    } else if ((reentry.mode === "after_days") !== (reentry.days !== undefined && reentry.days !== null)) {
      add("reentry.days", "reentry_days");
    } else if (reentry.mode === "after_days" && !isInt(reentry.days, 1, 3650)) {
      add("reentry.days", "range", { min: 1, max: 3650 });
    }
  }
  if (goal !== undefined && goal !== null) {
    if (!isObject(goal) || !text(goal.event_type)) add("goal.event_type", "required");
    else checkWhere(goal.where, add, "goal.where");
  }
  if (holdout !== undefined && !isInt(holdout, 0, 50)) add("holdout_percent", "range", { min: 0, max: 50 });
};

const checkSend = (node: JsonObject, add: Add) => {
  if (!text(node.template)) add("template", "required");
  else if (!TEMPLATE_KEY.test(node.template)) add("template", "template_key");
};

const checkVoucher = (node: JsonObject, add: Add) => {
  const type = node.discount_type ?? "percentage";
  if (type !== "percentage" && type !== "fixed") add("discount_type", "choice");
  const values = node.values;
  if (!isObject(values) || Object.keys(values).length === 0) {
    add("values", "required");
  } else {
    if (Object.keys(values).length > 20) add("values", "too_many", { max: 20 });
    for (const [slug, value] of Object.entries(values)) {
      const amount = typeof value === "string" ? Number(value) : value;
      if (!CHANNEL_SLUG.test(slug)) add(`values.${slug}`, "channel_slug");
      else if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) add(`values.${slug}`, "positive");
      else if (type === "percentage" && amount > 100) add(`values.${slug}`, "percent_max");
    }
  }
  if (node.valid_days !== undefined && !isInt(node.valid_days, 1, 365)) add("valid_days", "range", { min: 1, max: 365 });
  if (node.code_prefix !== undefined && !(typeof node.code_prefix === "string" && /^[A-Z0-9]{0,8}$/.test(node.code_prefix)))
    add("code_prefix", "code_prefix");
  if (node.currency !== undefined && node.currency !== null) {
    if (typeof node.currency !== "string" || !/^[A-Z]{3}$/.test(node.currency)) add("currency", "currency");
    else if (type !== "fixed") add("currency", "currency_fixed_only");
  }
};

const checkProfile = (node: JsonObject, add: Add) => {
  const fields = isObject(node.fields) ? node.fields : {};
  const metadata = isObject(node.metadata) ? node.metadata : {};
  if (Object.keys(fields).length === 0 && Object.keys(metadata).length === 0) add("fields", "nothing_to_set");
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith("preferences.")) {
      if (!TOPIC.test(name.slice("preferences.".length))) add(`fields.${name}`, "topic");
      else if (value !== "true" && value !== "false") add(`fields.${name}`, "true_false");
    } else if (!(PROFILE_FIELDS as readonly string[]).includes(name)) {
      add(`fields.${name}`, "profile_field");
    } else if (typeof value !== "string" || value.length > 256) {
      add(`fields.${name}`, "text");
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) add(`metadata.${key}`, "metadata_key");
    else if (typeof value !== "string" || value.length > 1000) add(`metadata.${key}`, "text");
  }
};

const checkNode = (type: NodeType, node: JsonObject, add: Add) => {
  switch (type) {
    case "wait":
      checkDuration(node.duration, add, "duration");
      break;
    case "wait_until":
      if (!isInt(node.hour, 0, 23)) add("hour", "range", { min: 0, max: 23 });
      if (node.weekdays !== undefined) {
        const days = node.weekdays;
        if (!Array.isArray(days) || days.length === 0 || !days.every((d) => isInt(d, 0, 6))) add("weekdays", "weekdays");
      }
      break;
    case "wait_for_event":
      if (!text(node.event_type)) add("event_type", "required");
      checkWhere(node.where, add, "where");
      checkDuration(node.timeout, add, "timeout");
      break;
    case "condition":
      if (!isObject(node.condition) || typeof node.condition.type !== "string") add("condition", "required");
      break;
    case "split": {
      const branches = Array.isArray(node.branches) ? node.branches : [];
      if (branches.length < 2 || branches.length > 5) add("branches", "branch_count", { min: 2, max: 5 });
      const percents = branches.map((b) => (isObject(b) ? b.percent : undefined));
      percents.forEach((p, i) => {
        if (!isInt(p, 0, 100)) add(`branches.${i}.percent`, "range", { min: 0, max: 100 });
      });
      if (percents.every((p) => isInt(p, 0, 100)) && percents.reduce<number>((s, p) => s + (p as number), 0) !== 100)
        add("branches", "hundred");
      break;
    }
    case "send_email":
    case "send_sms":
    case "send_push":
      checkSend(node, add);
      if (type === "send_email") checkSubjectVariants(node.subject_variants, add);
      if (node.at_best_hour !== undefined && typeof node.at_best_hour !== "boolean") add("at_best_hour", "boolean");
      break;
    case "send_postal":
      checkSend(node, add);
      if (node.max_per_batch !== undefined && !isInt(node.max_per_batch, 1, 100000))
        add("max_per_batch", "range", { min: 1, max: 100000 });
      if (node.cutoff_hour !== undefined && !isInt(node.cutoff_hour, 0, 23))
        add("cutoff_hour", "range", { min: 0, max: 23 });
      break;
    case "send_preferred":
      checkPreferred(node, add);
      if (node.at_best_hour !== undefined && typeof node.at_best_hour !== "boolean") add("at_best_hour", "boolean");
      break;
    case "give_voucher":
      checkVoucher(node, add);
      break;
    case "update_profile":
      checkProfile(node, add);
      break;
    case "webhook":
      if (typeof node.url !== "string" || !/^https?:\/\//.test(node.url) || node.url.length > 2000)
        add("url", "url");
      break;
    case "list_add":
    case "list_remove":
      if (typeof node.list !== "string" || !LIST_KEY.test(node.list)) add("list", "list_key");
      break;
    case "exit":
      break;
  }
};

/** Successors as definition.py's `successors`, keyed by output handle; absent outputs left out. */
export const successorsOf = (type: NodeType, node: JsonObject): [string, Json | undefined][] => {
  if (type === "split") {
    const branches = Array.isArray(node.branches) ? node.branches : [];
    return outputsOf(type, node).map((output, i) => {
      const branch = branches[i];
      return [output.handle, isObject(branch) ? branch.next : undefined];
    });
  }
  return OUTPUT_FIELDS[type].map((field) => [field, node[field]]);
};

const checkGraph = (definition: Definition, nodes: { [id: string]: JsonObject }, add: (p: Problem) => void) => {
  const ids = Object.keys(nodes);
  const typed = Object.entries(nodes).filter((e): e is [string, JsonObject & { type: NodeType }] => isNodeType(e[1].type));
  const next = new Map(typed.map(([id, node]) => [id, successorsOf(node.type, node)]));
  let broken = false;
  if (typeof definition.start !== "string") {
    add({ path: "start", code: "no_start" });
    broken = true;
  } else if (!(definition.start in nodes)) {
    add({ path: "start", code: "missing_node", values: { target: definition.start } });
    broken = true;
  }
  for (const [id, outputs] of next) {
    for (const [handle, target] of outputs) {
      const path = handle.startsWith("branch-") ? `nodes.${id}.branches.${handle.slice(7)}.next` : `nodes.${id}.${handle}`;
      if (typeof target !== "string") {
        add({ path, code: "unconnected", values: { output: handle } });
        broken = true;
      } else if (!(target in nodes)) {
        add({ path: `nodes.${id}`, code: "missing_node", values: { target } });
        broken = true;
      }
    }
  }
  if (broken || typed.length !== ids.length) return;
  const targets = (id: string): string[] => (next.get(id) ?? []).map(([, t]) => t as string);
  const reached = new Set<string>();
  const stack = [definition.start as string];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (!reached.has(id)) {
      reached.add(id);
      stack.push(...targets(id));
    }
  }
  for (const id of ids) {
    if (!reached.has(id)) add({ path: `nodes.${id}`, code: "unreachable" });
  }
  // A loop must pass a wait: among the nodes that do not wait, the graph is acyclic.
  const instant = new Set(typed.filter(([, n]) => !WAITING_TYPES.has(n.type)).map(([id]) => id));
  const state = new Map<string, number>();
  const visit = (id: string): string | null => {
    state.set(id, 1);
    for (const target of targets(id)) {
      if (!instant.has(target)) continue;
      if (state.get(target) === 1) return target;
      if (!state.has(target)) {
        const found = visit(target);
        if (found) return found;
      }
    }
    state.set(id, 2);
    return null;
  };
  for (const id of [...instant].sort()) {
    if (!state.has(id)) {
      const looped = visit(id);
      if (looped) {
        add({ path: `nodes.${looped}`, code: "loop_without_wait" });
        break;
      }
    }
  }
};

/** Every problem journey_parse would report (in substance; its messages are the server's). */
export const validateDefinition = (definition: Definition): Problem[] => {
  const problems: Problem[] = [];
  const at =
    (prefix: string): Add =>
    (field, code, values) =>
      problems.push({ path: prefix ? `${prefix}.${field}` : field, code, ...(values ? { values } : {}) });
  checkEntry(definition.entry, at(""));
  checkBroadcastTest(definition, at(""));
  checkSettings(definition, at(""));
  const raw = isObject(definition.nodes) ? definition.nodes : {};
  const nodes: { [id: string]: JsonObject } = {};
  for (const [id, node] of Object.entries(raw)) {
    nodes[id] = isObject(node) ? node : {};
  }
  const count = Object.keys(nodes).length;
  if (count === 0) problems.push({ path: "nodes", code: "no_nodes" });
  if (count > MAX_NODES) problems.push({ path: "nodes", code: "too_many", values: { max: MAX_NODES } });
  for (const [id, node] of Object.entries(nodes)) {
    if (!NODE_ID.test(id)) problems.push({ path: `nodes.${id}`, code: "node_id" });
    if (!isNodeType(node.type)) {
      problems.push({ path: `nodes.${id}.type`, code: "choice" });
      continue;
    }
    checkNode(node.type, node, at(`nodes.${id}`));
  }
  if (count > 0) checkGraph(definition, nodes, (p) => problems.push(p));
  return problems;
};

export type Target = { nodeId: string | null; field: string };

/**
 * The canvas node a problem is about (`ENTRY_ID` for the entry, null for the journey's own
 * settings) and the field inside it. Reads the client's and `journeyValidate`'s paths alike
 * (`nodes.<id>.<field>`, `entry.<field>`, `start`) and `journeyCheck`'s node ids ("entry").
 */
export const problemTarget = (path: string, nodeIds: ReadonlySet<string>): Target => {
  const parts = path.split(".");
  const [head, id, ...rest] = parts;
  if (head === "nodes" && id !== undefined && nodeIds.has(id)) {
    return { nodeId: id, field: rest.join(".") };
  }
  if (head === "entry") {
    return { nodeId: ENTRY_ID, field: parts.slice(1).join(".") };
  }
  if (head === "start") {
    return { nodeId: ENTRY_ID, field: "start" };
  }
  return { nodeId: null, field: path };
};

/** journeyCheck's and publishJourney's errors name a node id, or "entry" for the entry. */
export const checkErrorTarget = (nodeId: string, field: string, nodeIds: ReadonlySet<string>): Target =>
  nodeId === "entry" && !nodeIds.has("entry")
    ? { nodeId: ENTRY_ID, field }
    : { nodeId: nodeIds.has(nodeId) ? nodeId : null, field };

export type ProblemsByNode = Map<string | null, Problem[]>;

export const groupByNode = (problems: readonly Problem[], nodeIds: ReadonlySet<string>): ProblemsByNode => {
  const grouped: ProblemsByNode = new Map();
  for (const problem of problems) {
    const { nodeId } = problemTarget(problem.path, nodeIds);
    grouped.set(nodeId, [...(grouped.get(nodeId) ?? []), problem]);
  }
  return grouped;
};

