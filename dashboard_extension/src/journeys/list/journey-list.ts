/**
 * The journeys list's decisions: status labels, which status changes each journey offers
 * (the ones journeys.services.journey_status_set allows), per-node totals and the name of
 * a new journey.
 */

export type JourneyStatus = "draft" | "active" | "paused" | "archived";
export type StatusAction = "pause" | "resume" | "archive";

export type NodeCount = { node: string; waiting: number; passed: number; exited: number; converted: number };
export type Totals = { waiting: number; passed: number; exited: number; converted: number };

const STATUSES: readonly JourneyStatus[] = ["draft", "active", "paused", "archived"];

export const asJourneyStatus = (raw: string): JourneyStatus | null =>
  (STATUSES as readonly string[]).includes(raw) ? (raw as JourneyStatus) : null;

/** Message id of a status's label; an unknown status has its own label. */
export const statusMessageId = (raw: string): string => {
  const status = asJourneyStatus(raw);

  return status ? `journeys.status.${status}` : "journeys.status.unknown";
};

export type StatusTone = "neutral" | "success" | "warning" | "muted";

export const statusTone = (raw: string): StatusTone => {
  switch (asJourneyStatus(raw)) {
    case "active":
      return "success";
    case "paused":
      return "warning";
    case "archived":
      return "muted";
    default:
      return "neutral";
  }
};

/** The status changes a journey in this status can take, in the order they are offered. */
export const availableActions = (raw: string): StatusAction[] => {
  switch (asJourneyStatus(raw)) {
    case "active":
      return ["pause", "archive"];
    case "paused":
      return ["resume", "archive"];
    case "draft":
      return ["archive"];
    default:
      return [];
  }
};

/** The `status` argument of setJourneyStatus for an action. */
export const targetStatus = (action: StatusAction): JourneyStatus => {
  switch (action) {
    case "pause":
      return "paused";
    case "resume":
      return "active";
    case "archive":
      return "archived";
  }
};

export const totalsOf = (counts: readonly NodeCount[]): Totals =>
  counts.reduce(
    (sum, count) => ({
      waiting: sum.waiting + count.waiting,
      passed: sum.passed + count.passed,
      exited: sum.exited + count.exited,
      converted: sum.converted + count.converted,
    }),
    { waiting: 0, passed: 0, exited: 0, converted: 0 },
  );

/** Nodes that saw a run, in the order the API gave them. */
export const activeNodes = (counts: readonly NodeCount[]): NodeCount[] =>
  counts.filter((count) => count.waiting + count.passed + count.exited > 0);

export const JOURNEY_NAME_MAX_LENGTH = 120;

export type NameCheck = { ok: true; name: string } | { ok: false; messageId: string };

/** A new journey's name: trimmed, not empty, at most the model's 120 characters. */
export const checkJourneyName = (raw: string): NameCheck => {
  const name = raw.trim();

  if (!name) {
    return { ok: false, messageId: "journeys.create.nameRequired" };
  }

  if (name.length > JOURNEY_NAME_MAX_LENGTH) {
    return { ok: false, messageId: "journeys.create.nameTooLong" };
  }

  return { ok: true, name };
};

export type CountSnapshot = { id: string; name: string; totals: Totals };

/** Names of the journeys whose totals changed between two loads of the list (for a screen reader). */
export const changedCounts = (before: readonly CountSnapshot[], after: readonly CountSnapshot[]): string[] => {
  const previous = new Map(before.map((row) => [row.id, row.totals]));

  return after
    .filter((row) => {
      const old = previous.get(row.id);

      return (
        old !== undefined &&
        (old.waiting !== row.totals.waiting ||
          old.passed !== row.totals.passed ||
          old.exited !== row.totals.exited ||
          old.converted !== row.totals.converted)
      );
    })
    .map((row) => row.name);
};
