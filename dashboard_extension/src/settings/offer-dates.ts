/**
 * An offer's dates and channels on the form. The dates are a date and a time each on the
 * shop's clock (`shopTimeZone`: the zone most of its contacts are in), sent as UTC instants:
 * the start is the first moment the offer shows, the end the first moment it no longer does
 * (the API's `startsAt` and `endsAt`; either may be left empty). A date without a time starts
 * at midnight; a time without a date is refused at the date. The end must come after the
 * start. The channels are Saleor channel slugs; none ticked: every channel.
 *
 * An offer's status in the list follows from its switch and its dates at a moment:
 * inactive (switched off), scheduled (its start is still ahead), ended (its end has passed),
 * else active.
 */
import { type Wall, offsetLabel, parseWall, zonedToUtc } from "../broadcasts/schedule";
import type { FieldError, FieldErrors } from "./form-values";

export type OfferWhen = { startDate: string; startTime: string; endDate: string; endTime: string };
export const EMPTY_WHEN: OfferWhen = { startDate: "", startTime: "", endDate: "", endTime: "" };

type Dated = { active: boolean; startsAt: string | null; endsAt: string | null };
export type OfferStatus = "inactive" | "scheduled" | "active" | "ended";

/** "2026-12-01" and "09:30" on `zone`'s clock at the instant `iso`. */
export const wallOfInstant = (iso: string, zone: string): { date: string; time: string } => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${part("year")}-${part("month")}-${part("day")}`, time: `${part("hour")}:${part("minute")}` };
};

/** The form's dates of a stored offer, on the shop's clock. */
export const whenOf = (offer: { startsAt: string | null; endsAt: string | null }, zone: string): OfferWhen => {
  const start = offer.startsAt ? wallOfInstant(offer.startsAt, zone) : { date: "", time: "" };
  const end = offer.endsAt ? wallOfInstant(offer.endsAt, zone) : { date: "", time: "" };
  return { startDate: start.date, startTime: start.time, endDate: end.date, endTime: end.time };
};

type Side = { instant: string | null } | { error: FieldError; field: keyof OfferWhen };

const side = (date: string, time: string, zone: string, dateField: keyof OfferWhen, timeField: keyof OfferWhen): Side => {
  const [d, t] = [date.trim(), time.trim()];
  if (!d && !t) return { instant: null };
  if (!d) return { error: { id: "settings.error.offerDateMissing" }, field: dateField };
  const wall: Wall | null = parseWall(d, t || "00:00");
  if (!wall) {
    const dateValid = parseWall(d, "00:00") !== null;
    return dateValid ? { error: { id: "settings.error.offerTime" }, field: timeField } : { error: { id: "settings.error.offerDate" }, field: dateField };
  }
  const ms = zonedToUtc(wall, zone);
  if (ms === null) return { error: { id: "settings.error.offerSkippedTime", values: { zone } }, field: timeField };
  return { instant: new Date(ms).toISOString().replace(".000Z", "+00:00") };
};

export type CheckedWhen = { ok: true; startsAt: string | null; endsAt: string | null } | { ok: false; errors: FieldErrors<keyof OfferWhen> };

/** The form's dates as the API's instants, or the errors at their fields. */
export const checkWhen = (when: OfferWhen, zone: string): CheckedWhen => {
  const start = side(when.startDate, when.startTime, zone, "startDate", "startTime");
  const end = side(when.endDate, when.endTime, zone, "endDate", "endTime");
  const errors: FieldErrors<keyof OfferWhen> = {};
  if ("error" in start) errors[start.field] = start.error;
  if ("error" in end) errors[end.field] = end.error;
  if ("error" in start || "error" in end) return { ok: false, errors };
  if (start.instant && end.instant && Date.parse(end.instant) <= Date.parse(start.instant)) {
    return { ok: false, errors: { endDate: { id: "settings.error.offerEndBeforeStart" } } };
  }
  return { ok: true, startsAt: start.instant, endsAt: end.instant };
};

/** The offer's status at the instant `now` (ms). */
export const offerStatus = (offer: Dated, now: number): OfferStatus => {
  if (!offer.active) return "inactive";
  if (offer.startsAt && Date.parse(offer.startsAt) > now) return "scheduled";
  if (offer.endsAt && Date.parse(offer.endsAt) <= now) return "ended";
  return "active";
};

/** The zone as the form names it: "Europe/Berlin (UTC+01:00)", the offset at `now` (ms); "UTC" alone. */
export const zoneNamed = (zone: string, now: number): string => {
  const offset = offsetLabel(now, zone);
  return offset === zone ? zone : `${zone} (${offset})`;
};

/** The channels ticked, sorted as the API keeps them. */
export const channelsChecked = (channels: readonly string[]): string[] => [...new Set(channels)].sort();

/** The names of an offer's channels from Saleor's list; a slug Saleor no longer has stays as it is. */
export const channelNames = (slugs: readonly string[], known: readonly { slug: string; name: string }[]): string[] =>
  slugs.map((slug) => known.find((c) => c.slug === slug)?.name ?? slug);
