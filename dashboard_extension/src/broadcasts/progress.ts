/**
 * What a broadcast is (read from its published definition, or its draft) and how far its
 * sending has come (`broadcastProgress`): the figures the page shows and whether to keep
 * polling.
 */
import { wallOf } from "./schedule";

export type ProgressCounts = {
  snapshotAt: string | null;
  recipients: number;
  runsDue: number;
  runsLocalTime: number;
  testRest: number;
  runsFailed: number;
  queued: number;
  deferred: number;
  sent: number;
  suppressed: number;
  failed: number;
  unknown: number;
  cancelled: number;
};

export type JourneyStatus = "draft" | "active" | "paused" | "archived";

export type BroadcastState = "draft" | "scheduled" | "sending" | "testing" | "sent" | "paused" | "cancelled";

export type Figures = {
  recipients: number;
  sent: number;
  /** Held by quiet hours or caps, or waiting for their own local time. */
  deferred: number;
  suppressed: number;
  /** Refused by the provider, or a step that kept failing. */
  failed: number;
  /** Maybe sent: the hand-over was interrupted. */
  unknown: number;
  /** Queued, due, or waiting for the test's winner. */
  toSend: number;
  /** Cancelled before sending (and, once cancelled, everyone not reached). */
  notSent: number;
};

export const figuresOf = (p: ProgressCounts, status: JourneyStatus): Figures => {
  const waiting = p.queued + p.runsDue + p.testRest;
  const cancelled = status === "archived";
  return {
    recipients: p.recipients,
    sent: p.sent,
    deferred: cancelled ? p.deferred : p.deferred + p.runsLocalTime,
    suppressed: p.suppressed,
    failed: p.failed + p.runsFailed,
    unknown: p.unknown,
    // a cancelled broadcast's waiting runs and rest never send; a message being handed
    // over (queued) may still go
    toSend: cancelled ? p.queued : waiting,
    notSent: cancelled ? p.cancelled + p.runsDue + p.runsLocalTime + p.testRest : p.cancelled,
  };
};

export const stateOf = (p: ProgressCounts, status: JourneyStatus): BroadcastState => {
  if (status === "draft") return "draft";
  if (status === "archived") return "cancelled";
  if (status === "paused") return "paused";
  if (p.snapshotAt === null) return "scheduled";
  if (p.queued + p.runsDue + p.deferred + p.runsLocalTime > 0) return "sending";
  if (p.testRest > 0) return "testing";
  return "sent";
};

/** Polled while the engine may still change the figures (seconds; null: no polling). */
export const pollSeconds = (state: BroadcastState): number | null =>
  state === "sending" || state === "testing" ? 5 : state === "scheduled" ? 10 : null;

export type Content =
  | { kind: "single"; template: string }
  | { kind: "templates"; a: string; b: string; sharePercent: number; waitHours: number; metric: string }
  | { kind: "subjects"; template: string; subjects: string[] }
  | { kind: "other" };

export type Summary = {
  segmentPk: number | null;
  sendAt: string | null;
  localTime: boolean;
  content: Content;
};

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const sendOf = (node: Record<string, unknown>): { template: string; subjects: string[] } | null =>
  node.type === "send_email" && typeof node.template === "string"
    ? { template: node.template, subjects: Array.isArray(node.subject_variants) ? node.subject_variants.map(String) : [] }
    : null;

/** The segment, schedule and templates of a broadcast definition; "other" content for a
 * journey shaped otherwise (made in the journey editor). */
export const summaryOf = (definition: unknown): Summary => {
  const d = record(definition);
  const entry = record(d.entry);
  const nodes = record(d.nodes);
  const start = record(nodes[String(d.start)]);
  const test = record(entry.test);
  let content: Content = { kind: "other" };
  const single = sendOf(start);
  if (single && single.subjects.length === 0) content = { kind: "single", template: single.template };
  else if (single) content = { kind: "subjects", template: single.template, subjects: single.subjects };
  else if (start.type === "split" && Array.isArray(start.branches) && start.branches.length === 2) {
    const [a, b] = start.branches.map((branch) => sendOf(record(nodes[String(record(branch).next)])));
    if (a && b && typeof test.share_percent === "number" && typeof test.wait_hours === "number") {
      content = {
        kind: "templates",
        a: a.template,
        b: b.template,
        sharePercent: test.share_percent,
        waitHours: test.wait_hours,
        metric: String(test.metric ?? "click"),
      };
    }
  }
  return {
    segmentPk: typeof entry.segment_id === "number" ? entry.segment_id : null,
    sendAt: typeof entry.send_at === "string" ? entry.send_at : null,
    localTime: entry.local_time === true,
    content,
  };
};

/** The template keys a summary sends. */
export const templatesOf = (content: Content): string[] =>
  content.kind === "templates" ? [content.a, content.b] : content.kind === "other" ? [] : [content.template];

/** The schedule as the page says it: an instant (shown in the admin's zone) or a wall-clock time in each recipient's zone. */
export const scheduleOf = (summary: Summary): { kind: "instant"; at: string } | { kind: "local"; wall: string } | null => {
  if (summary.sendAt === null) return null;
  if (summary.localTime) {
    const wall = wallOf(summary.sendAt);
    return wall ? { kind: "local", wall } : null;
  }
  return { kind: "instant", at: summary.sendAt };
};
