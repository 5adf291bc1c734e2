/**
 * Date entries, recurring entries and attribute thresholds (journeys/date_entries.py,
 * occurrences.py, attribute_thresholds.py; docs/programmes.md):
 *
 * - a date entry reads a profile date or a custom attribute holding an ISO date, "yearly" (29
 *   February on the 28th in other years) or "once", N days before or after, at an hour in the
 *   contact's zone; unset, birthdays and sign-ups repeat yearly, the rest once;
 * - a recurring entry enrols a segment every N days, weeks or months from a start date; months
 *   keep the start's day or the month's last (31 Jan, 28 Feb, 31 Mar), as the server counts;
 * - "Attribute crossed a line" is an event entry on `attribute.threshold_crossed` whose filters
 *   name the attribute, the line and the direction; the server watches the lines such entries
 *   name. It reacts to crossings from the moment the journey is active: whoever is already above
 *   when it is published is not crossing. `enter_already_above` (off by default; upward or any
 *   direction only) also enrols those, once, at publication.
 */
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export const PROFILE_DATE_FIELDS = ["birthday", "date_joined", "created_at", "first_order_at", "last_order_at", "predicted_next_order_at"] as const;
export const DATE_ENTRY_FIELDS = [...PROFILE_DATE_FIELDS, "attribute"] as const;
export const REPEATS = ["yearly", "once"] as const;
export type Repeat = (typeof REPEATS)[number];
export const UNITS = ["days", "weeks", "months"] as const;
export type Unit = (typeof UNITS)[number];
export const DIRECTIONS = ["up", "down"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const OFFSET_MIN = -365;
export const OFFSET_MAX = 3650;

type Add = (field: string, code: string, values?: Record<string, string | number>) => void;

const isInt = (value: Json | undefined, min: number, max: number): boolean =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

// -- date entries ------------------------------------------------------------------------------

/** Whether the entry repeats every year: its `repeat`, or the field's default. */
export const repeatOf = (config: JsonObject): Repeat => {
  if (config.repeat === "yearly" || config.repeat === "once") return config.repeat;
  return config.field === "birthday" || config.field === "date_joined" ? "yearly" : "once";
};

/** The date the entry reads: a profile field, or "attribute" with its key. */
export const withDateField = (config: JsonObject, field: string): JsonObject => {
  const { attribute: _old, ...rest } = config;
  return field === "attribute" ? { ...rest, field, attribute: typeof config.attribute === "string" ? config.attribute : "", repeat: repeatOf(config) } : { ...rest, field };
};

export const withAttribute = (config: JsonObject, key: string): JsonObject => ({ ...config, attribute: key.trim() });

export const withRepeat = (config: JsonObject, repeat: Repeat): JsonObject => ({ ...config, repeat });

/** The offset as the form shows it: a number of days and whether before or after the date. */
export const offsetOf = (config: JsonObject): { days: number; when: "before" | "after" } => {
  const offset = typeof config.days_offset === "number" ? config.days_offset : 0;
  return { days: Math.abs(offset), when: offset < 0 ? "before" : "after" };
};

export const withOffset = (config: JsonObject, days: number, when: "before" | "after"): JsonObject => {
  const whole = Math.max(0, Math.round(Number.isFinite(days) ? days : 0));
  const signed = when === "before" ? -Math.min(whole, -OFFSET_MIN) : Math.min(whole, OFFSET_MAX);
  return { ...config, days_offset: signed === 0 ? 0 : signed };
};

/** The server's rules for a date entry, as field problems (`entry.<field>`). */
export const checkDateEntry = (entry: JsonObject, add: Add): void => {
  if (!(DATE_ENTRY_FIELDS as readonly Json[]).includes(entry.field ?? null)) add("entry.field", "choice");
  if (entry.field === "attribute") {
    if (typeof entry.attribute !== "string" || !ATTRIBUTE_KEY.test(entry.attribute)) add("entry.attribute", "attribute_key");
  } else if (entry.attribute !== undefined && entry.attribute !== null) {
    add("entry.attribute", "attribute_only");
  }
  if (entry.repeat !== undefined && entry.repeat !== null && !(REPEATS as readonly Json[]).includes(entry.repeat)) add("entry.repeat", "choice");
  if (entry.days_offset !== undefined && !isInt(entry.days_offset, OFFSET_MIN, OFFSET_MAX))
    add("entry.days_offset", "range", { min: OFFSET_MIN, max: OFFSET_MAX });
  if (entry.at_hour !== undefined && !isInt(entry.at_hour, 0, 23)) add("entry.at_hour", "range", { min: 0, max: 23 });
};

// -- recurring entries -------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const parseDay = (text: string): [number, number, number] | null => {
  if (!ISO_DAY.test(text)) return null;
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) ? [y, m, d] : null;
};

/** `months` calendar months after `start` (ISO), on its day or the month's last day. */
export const addMonths = (start: string, months: number): string => {
  const parsed = parseDay(start);
  if (!parsed) return start;
  const [y, m, d] = parsed;
  const index = m - 1 + months;
  const year = y + Math.floor(index / 12);
  const month = (((index % 12) + 12) % 12) + 1;
  return iso(year, month, Math.min(d, daysIn(year, month)));
};

/** The `n`-th occurrence of a series (0: the start itself), as an ISO date. */
export const occurrence = (start: string, every: number, unit: Unit, n: number): string => {
  if (unit === "months") return addMonths(start, n * every);
  const parsed = parseDay(start);
  if (!parsed) return start;
  const [y, m, d] = parsed;
  const moved = new Date(Date.UTC(y, m - 1, d + n * every * (unit === "weeks" ? 7 : 1)));
  return iso(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
};

/** The next `count` occurrences on or after `today` (ISO), for the form's preview. */
export const nextOccurrences = (config: JsonObject, today: string, count = 3): string[] => {
  const start = typeof config.start === "string" ? config.start : "";
  const every = isInt(config.every, 1, 365) ? (config.every as number) : 1;
  const unit = (UNITS as readonly Json[]).includes(config.unit ?? null) ? (config.unit as Unit) : "months";
  if (!parseDay(start)) return [];
  const found: string[] = [];
  for (let n = 0; found.length < count && n < 5000; n += 1) {
    const day = occurrence(start, every, unit, n);
    if (day >= today) found.push(day);
  }
  return found;
};

/** A new recurring entry: monthly from the first of next month (UTC), at nine. */
export const recurringDefaults = (today: Date = new Date()): JsonObject => ({
  every: 1,
  unit: "months",
  start: iso(today.getUTCMonth() === 11 ? today.getUTCFullYear() + 1 : today.getUTCFullYear(), (today.getUTCMonth() + 1) % 12 + 1, 1),
  at_hour: 9,
});

export const withEvery = (config: JsonObject, every: number): JsonObject => ({ ...config, every: Math.min(365, Math.max(1, Math.round(every) || 1)) });
export const withUnit = (config: JsonObject, unit: Unit): JsonObject => ({ ...config, unit });
export const withStart = (config: JsonObject, start: string): JsonObject => ({ ...config, start });

export const checkRecurring = (entry: JsonObject, add: Add): void => {
  if (!isInt(entry.segment_id, 1, Number.MAX_SAFE_INTEGER)) add("entry.segment_id", "required");
  if (entry.every !== undefined && !isInt(entry.every, 1, 365)) add("entry.every", "range", { min: 1, max: 365 });
  if (entry.unit !== undefined && !(UNITS as readonly Json[]).includes(entry.unit)) add("entry.unit", "choice");
  if (typeof entry.start !== "string" || !parseDay(entry.start)) add("entry.start", "iso_date");
  if (entry.at_hour !== undefined && !isInt(entry.at_hour, 0, 23)) add("entry.at_hour", "range", { min: 0, max: 23 });
};

// -- attribute thresholds ----------------------------------------------------------------------

export const THRESHOLD_EVENT = "attribute.threshold_crossed";
export const THRESHOLD_TRIGGER = "attribute_threshold";

export type Threshold = { attribute: string; threshold: number | null; direction: Direction | null };

const filters = (config: JsonObject): Json[] => (Array.isArray(config.where) ? config.where : []);

const eqValue = (config: JsonObject, property: string): Json | undefined => {
  const found = filters(config).find((f) => isObject(f) && f.property === property && (f.op ?? "eq") === "eq");
  return isObject(found) ? found.value : undefined;
};

const withEq = (config: JsonObject, property: string, value: Json | null): JsonObject => {
  const others = filters(config).filter((f) => !(isObject(f) && f.property === property));
  return { ...config, where: value === null ? others : [...others, { property, op: "eq", value }] };
};

export const isThresholdEntry = (config: JsonObject): boolean => config.event_type === THRESHOLD_EVENT;

/** A new "crossed a line" entry: upward, the attribute and line still to name. */
export const thresholdEntry = (): JsonObject => ({ event_type: THRESHOLD_EVENT, where: [{ property: "direction", op: "eq", value: "up" }] });

export const thresholdOf = (config: JsonObject): Threshold => {
  const attribute = eqValue(config, "attribute");
  const threshold = eqValue(config, "threshold");
  const direction = eqValue(config, "direction");
  return {
    attribute: typeof attribute === "string" ? attribute : "",
    threshold: typeof threshold === "number" ? threshold : null,
    direction: direction === "up" || direction === "down" ? direction : null,
  };
};

export const withThresholdAttribute = (config: JsonObject, key: string): JsonObject => withEq(config, "attribute", key.trim() === "" ? null : key.trim());
export const withThresholdValue = (config: JsonObject, value: number | null): JsonObject =>
  withEq(config, "threshold", value === null || !Number.isFinite(value) ? null : value);
/** A downward entry cannot enter those already above: the option goes with "down". */
export const withDirection = (config: JsonObject, direction: Direction | null): JsonObject => {
  const next = withEq(config, "direction", direction);
  return direction === "down" ? withEnterAlreadyAbove(next, false) : next;
};

/** Whether publishing also enrols the contacts already at or above the line. */
export const entersAlreadyAbove = (config: JsonObject): boolean => config.enter_already_above === true;

/** The option can be offered: the entry is not downward. */
export const canEnterAlreadyAbove = (config: JsonObject): boolean => thresholdOf(config).direction !== "down";

/** On: `enter_already_above: true`; off: the key is left out (the server's default). */
export const withEnterAlreadyAbove = (config: JsonObject, on: boolean): JsonObject => {
  const { enter_already_above: _old, ...rest } = config;
  return on ? { ...rest, enter_already_above: true } : rest;
};

/** What the server needs to watch a line: the attribute and a number (entry.where). */
export const checkThreshold = (entry: JsonObject, add: Add): void => {
  const { attribute, threshold } = thresholdOf(entry);
  if (!ATTRIBUTE_KEY.test(attribute)) add("entry.where", "threshold_attribute");
  else if (threshold === null) add("entry.where", "threshold_value");
  if (entersAlreadyAbove(entry) && !canEnterAlreadyAbove(entry)) add("entry.enter_already_above", "already_above_upward");
};
