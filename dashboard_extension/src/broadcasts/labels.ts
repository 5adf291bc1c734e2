/**
 * What the broadcasts screens say, as message ids and values: a state, a schedule, the
 * names behind a definition's ids, and the launch confirmation.
 */
import { type AppLocale } from "../lib/locale";
import { formatDateTime, intlLocale } from "../lib/format";
import type { BroadcastState, Summary } from "./progress";
import { offsetLabel } from "./schedule";

export type Said = { id: string; values?: Record<string, string | number> };

export const STATE_IDS: Record<BroadcastState, string> = {
  draft: "broadcasts.state.draft",
  scheduled: "broadcasts.state.scheduled",
  sending: "broadcasts.state.sending",
  testing: "broadcasts.state.testing",
  sent: "broadcasts.state.sent",
  paused: "broadcasts.state.paused",
  cancelled: "broadcasts.state.cancelled",
};

/** "1 Dec 2026, 09:00" of a wall-clock "2026-12-01T09:00", as written (no zone). */
export const formatWall = (wall: string, locale: AppLocale): string => {
  const [date, time] = wall.split("T");
  const [y, m, d] = (date ?? "").split("-").map(Number);
  const [hh, mm] = (time ?? "").split(":").map(Number);
  const ms = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(ms);
};

/** When a broadcast sends: an instant in the admin's zone (named, with its offset), or a wall-clock time in each recipient's. */
export const scheduleSaid = (summary: Summary, locale: AppLocale, zone: string): Said => {
  if (summary.sendAt === null) return { id: "broadcasts.schedule.none" };
  if (summary.localTime) {
    const wall = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(summary.sendAt)?.[0];
    return wall ? { id: "broadcasts.schedule.localAt", values: { when: formatWall(wall, locale) } } : { id: "broadcasts.schedule.none" };
  }
  const ms = Date.parse(summary.sendAt);
  if (Number.isNaN(ms)) return { id: "broadcasts.schedule.none" };
  return { id: "broadcasts.schedule.at", values: { when: formatDateTime(summary.sendAt, locale, zone), zone: zoneSaid(zone, ms) } };
};

/** "Europe/Berlin, UTC+01:00". */
export const zoneSaid = (zone: string, ms: number): string => {
  const offset = offsetLabel(ms, zone);
  return offset === "UTC" && /^(Etc\/)?UTC$/.test(zone) ? "UTC" : `${zone}, ${offset}`;
};

export const nameOf = <T extends { name: string }>(items: readonly T[] | undefined, match: (item: T) => boolean): string | null =>
  items?.find(match)?.name ?? null;

/** A segment's global id from its integer id ("Segment:5"). */
export const segmentGlobalId = (pk: number): string => btoa(`Segment:${pk}`);

/** The admin's time zone (the browser's), in which times are typed and shown. */
export const adminZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
