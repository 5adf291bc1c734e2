/**
 * A broadcast's test share (`entry.test` in definition.py's BroadcastEntry): `share_percent`
 * (5-50) of the snapshot enters at the send time, split by one of the journey's split nodes;
 * `wait_hours` (1-168) later the branch with the best `metric` (clicks, or conversions when the
 * journey has a goal) is sent to the rest. One send time for everyone: not with local time.
 */
import type { Definition, Json, JsonObject } from "./types";
import { isObject } from "./types";

export const TEST_FIELD = "test";
export const SHARE = { min: 5, max: 50 } as const;
export const WAIT = { min: 1, max: 168 } as const;
export const METRICS = ["click", "conversion"] as const;
export type Metric = (typeof METRICS)[number];

/** A new test share: the first split, a tenth of the snapshot, decided by clicks after 4 hours. */
export const DEFAULT_SHARE = 10;
export const DEFAULT_WAIT = 4;

/** The ids of the journey's split nodes (a definition's `nodes`), in their order. */
export const splitNodeIds = (nodes: Json | undefined): string[] =>
  Object.entries(isObject(nodes) ? nodes : {})
    .filter(([, node]) => isObject(node) && node.type === "split")
    .map(([id]) => id);

export const hasGoal = (definition: Definition): boolean => isObject(definition.goal);

/** What the test's form needs to know of the rest of the journey. */
export type JourneyFacts = { splits: string[]; goal: boolean };

/** Why a test share cannot be turned on now, or null when it can. */
export const testBlocked = (entry: JsonObject): "local_time" | null => (entry.local_time === true ? "local_time" : null);

export const newTest = (splits: readonly string[]): JsonObject => ({
  split: splits[0] ?? "",
  share_percent: DEFAULT_SHARE,
  wait_hours: DEFAULT_WAIT,
  metric: "click",
});

/** The entry's test, or null without one. */
export const testOf = (entry: JsonObject): JsonObject | null => (isObject(entry[TEST_FIELD]) ? (entry[TEST_FIELD] as JsonObject) : null);

/** The metrics to offer: conversions with a goal only (or when already chosen, so its problem shows beside it). */
export const metricsOffered = (goal: boolean, current: Json | undefined): Metric[] =>
  METRICS.filter((metric) => metric === "click" || goal || current === metric);

const isInt = (value: Json | undefined, min: number, max: number): boolean =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

type Add = (field: string, code: string, values?: Record<string, string | number>) => void;

/** What journey_parse refuses in a broadcast's test share, at its paths (`entry.test.<field>`). */
export const checkBroadcastTest = (definition: Definition, add: Add): void => {
  const entry = definition.entry;
  if (!isObject(entry) || entry.type !== "broadcast") return;
  const test = entry[TEST_FIELD];
  if (test === undefined || test === null) return;
  if (!isObject(test)) {
    add("entry.test", "choice");
    return;
  }
  if (entry.local_time === true) add("entry.test", "test_local_time");
  if (typeof test.split !== "string" || !splitNodeIds(definition.nodes).includes(test.split)) add("entry.test.split", "test_split");
  if (!isInt(test.share_percent, SHARE.min, SHARE.max)) add("entry.test.share_percent", "range", { ...SHARE });
  if (!isInt(test.wait_hours, WAIT.min, WAIT.max)) add("entry.test.wait_hours", "range", { ...WAIT });
  const metric = test.metric ?? "click";
  if (!(METRICS as readonly Json[]).includes(metric)) add("entry.test.metric", "choice");
  else if (metric === "conversion" && !hasGoal(definition)) add("entry.test.metric", "test_needs_goal");
};

/** The codes `checkBroadcastTest` reports (each an `editor.problem.<code>` message). */
export const TEST_PROBLEM_CODES = ["choice", "test_local_time", "test_split", "range", "test_needs_goal"] as const;
