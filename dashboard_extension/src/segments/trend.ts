/**
 * A segment's trend in the list: its members at the end of each of the last 30 days (the
 * API's `trend`), the change over the period and how it is said.
 */
import { type AppLocale } from "../lib/locale";
import { intlLocale } from "../lib/format";

export type TrendPoint = { day: string; members: number };

export type TrendSummary = {
  /** Members at the end of the first and the last day. */
  first: number;
  last: number;
  change: number;
  direction: "up" | "down" | "flat";
};

/** The change from the first day's end to today; null without points. */
export const summarizeTrend = (points: readonly TrendPoint[]): TrendSummary | null => {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  const change = last.members - first.members;
  return { first: first.members, last: last.members, change, direction: change > 0 ? "up" : change < 0 ? "down" : "flat" };
};

/** "+12", "−3" (a real minus sign), "±0": signed, in the reader's notation. */
export const formatChange = (change: number, locale: AppLocale): string => {
  if (change === 0) return "±0";
  const text = new Intl.NumberFormat(intlLocale(locale), { signDisplay: "always" }).format(change);
  return text.replace("-", "−");
};
