/**
 * Date ranges of the analytics screens: UTC calendar days (`YYYY-MM-DD`), both ends inclusive,
 * as the API counts them. A preset is computed from "now" (given, so tests fix it); the
 * previous period has the same number of days and ends the day before `from`, as the API's
 * `compare` does.
 */

export type DayRange = { from: string; to: string };

export const PRESETS = ["last7", "last30", "last90", "thisMonth", "lastMonth"] as const;
export type Preset = (typeof PRESETS)[number];
export type RangeChoice = Preset | "custom";

/** The longest range the API answers (more is an INVALID_RANGE error). */
export const MAX_DAYS = 731;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day as the UTC midnight it starts at; null for anything that is not a real calendar day. */
export const parseDay = (day: string): Date | null => {
  const match = DAY_PATTERN.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = new Date(Date.UTC(year, month - 1, date));
  return value.getUTCFullYear() === year && value.getUTCMonth() === month - 1 && value.getUTCDate() === date ? value : null;
};

export const formatDay = (date: Date): string => date.toISOString().slice(0, 10);

export const addDays = (day: string, days: number): string => {
  const date = parseDay(day);
  if (!date) throw new Error(`${day} is not a day (YYYY-MM-DD)`);
  return formatDay(new Date(date.getTime() + days * DAY_MS));
};

/** The UTC day `now` falls on. */
export const todayUtc = (now: Date): string => formatDay(now);

export const presetRange = (preset: Preset, now: Date): DayRange => {
  const today = todayUtc(now);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  switch (preset) {
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
    case "last90":
      return { from: addDays(today, -89), to: today };
    case "thisMonth":
      return { from: formatDay(new Date(Date.UTC(year, month, 1))), to: today };
    case "lastMonth":
      return { from: formatDay(new Date(Date.UTC(year, month - 1, 1))), to: formatDay(new Date(Date.UTC(year, month, 0))) };
  }
};

/** Days in a range, both ends counted (1 for a single day). */
export const dayCount = ({ from, to }: DayRange): number => {
  const start = parseDay(from);
  const end = parseDay(to);
  if (!start || !end) return 0;
  return Math.round((end.getTime() - start.getTime()) / DAY_MS) + 1;
};

/** The period compared with: as many days, ending the day before `from`. */
export const previousRange = (range: DayRange): DayRange => {
  const days = dayCount(range);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
};

export type RangeProblem = "invalidFrom" | "invalidTo" | "reversed" | "tooLong";
export type RangeCheck = { ok: true; range: DayRange } | { ok: false; problem: RangeProblem };

/** A custom range as typed in the date inputs: both real days, `to` not before `from`, at most MAX_DAYS. */
export const checkRange = (from: string, to: string): RangeCheck => {
  if (!parseDay(from)) return { ok: false, problem: "invalidFrom" };
  if (!parseDay(to)) return { ok: false, problem: "invalidTo" };
  const range = { from, to };
  const days = dayCount(range);
  if (days < 1) return { ok: false, problem: "reversed" };
  if (days > MAX_DAYS) return { ok: false, problem: "tooLong" };
  return { ok: true, range };
};

/** The range a choice stands for: a preset from now, or the custom days when they are valid. */
export const rangeOf = (choice: RangeChoice, custom: DayRange, now: Date): RangeCheck =>
  choice === "custom" ? checkRange(custom.from, custom.to) : { ok: true, range: presetRange(choice, now) };
