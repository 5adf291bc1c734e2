/**
 * One line under a node's title saying what it does (`2 d 3 h`, `abandoned-checkout-1`,
 * `60 / 40`), as message descriptors, and the global ids of the app's API against the
 * integer ids a definition stores (`segment_id`).
 */
import { preferredSummary } from "./preferred-channel";
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export type Line = { id: string; values?: Record<string, string | number> } | { text: string } | null;

const str = (value: Json | undefined): string => (typeof value === "string" ? value : "");

export const durationText = (value: Json | undefined): string => {
  if (!isObject(value)) return "";
  const parts: string[] = [];
  for (const [unit, short] of [
    ["days", "d"],
    ["hours", "h"],
    ["minutes", "min"],
  ] as const) {
    const amount = value[unit];
    if (typeof amount === "number" && amount > 0) parts.push(`${amount} ${short}`);
  }
  return parts.join(" ");
};

export const summaryOf = (config: JsonObject): Line => {
  switch (config.type) {
    case "wait":
      return { text: durationText(config.duration) };
    case "wait_until":
      return { id: "editor.summary.wait_until", values: { hour: typeof config.hour === "number" ? config.hour : "?" } };
    case "wait_for_event":
      return { id: "editor.summary.wait_for_event", values: { event: str(config.event_type) || "?", timeout: durationText(config.timeout) } };
    case "condition":
      return { text: isObject(config.condition) ? str(config.condition.type) : "" };
    case "split":
      return {
        text: (Array.isArray(config.branches) ? config.branches : [])
          .map((b) => (isObject(b) && typeof b.percent === "number" ? `${b.percent}%` : "?"))
          .join(" / "),
      };
    case "send_email":
    case "send_sms":
    case "send_push": {
      const subjects = Array.isArray(config.subject_variants) ? config.subject_variants.length : 0;
      if (!str(config.template)) return null;
      return subjects >= 2 ? { id: "editor.summary.subjectTest", values: { template: str(config.template), count: subjects } } : { text: str(config.template) };
    }
    case "send_postal":
      return str(config.template) ? { text: str(config.template) } : null;
    case "send_preferred": {
      const order = preferredSummary(config);
      return order ? { text: order } : null;
    }
    case "give_voucher": {
      const values = isObject(config.values) ? Object.values(config.values) : [];
      const first = values[0];
      if (first === undefined) return null;
      return { text: config.discount_type === "fixed" ? `${first} ${str(config.currency)}`.trim() : `${first}%` };
    }
    case "update_profile": {
      const keys = [...Object.keys(isObject(config.fields) ? config.fields : {}), ...Object.keys(isObject(config.metadata) ? config.metadata : {})];
      return keys.length ? { text: keys.join(", ") } : null;
    }
    case "webhook":
      return str(config.url) ? { text: str(config.url).replace(/^https?:\/\//, "") } : null;
    case "list_add":
    case "list_remove":
      return str(config.list) ? { text: str(config.list) } : null;
    case "event":
      return str(config.event_type) ? { text: str(config.event_type) } : null;
    case "date":
      return {
        id: "editor.summary.date",
        values: { field: str(config.attribute) || str(config.field), offset: typeof config.days_offset === "number" ? config.days_offset : 0 },
      };
    case "recurring":
      return { id: "editor.summary.recurring", values: { every: typeof config.every === "number" ? config.every : 1, unit: str(config.unit) || "months", start: str(config.start) } };
    case "trigger":
      return str(config.key) ? { text: `/api/triggers/${str(config.key)}` } : null;
    case "segment_entered":
    case "broadcast": {
      if (typeof config.segment_id !== "number") return null;
      const test = config.type === "broadcast" && isObject(config.test) ? config.test : null;
      return test && typeof test.share_percent === "number"
        ? { id: "editor.summary.broadcastTest", values: { id: config.segment_id, share: test.share_percent } }
        : { id: "editor.summary.segment", values: { id: config.segment_id } };
    }
    default:
      return null;
  }
};

/** `U2VnbWVudDoz` -> 3 for kind "Segment"; null for another kind or garbage. */
export const pkOf = (kind: string, globalId: string): number | null => {
  try {
    const [found, pk] = atob(globalId).split(":");
    return found === kind && pk !== undefined && /^\d+$/.test(pk) ? Number(pk) : null;
  } catch {
    return null;
  }
};

export const globalIdOf = (kind: string, pk: number): string => btoa(`${kind}:${pk}`);
