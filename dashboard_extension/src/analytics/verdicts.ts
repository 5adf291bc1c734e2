/**
 * How a holdout or A/B verdict is shown: a badge's tone and message id per verdict the API
 * gives (an unknown verdict is shown neutrally as such, never as a success), and the geometry
 * of an interval bar (a 95% interval of a difference drawn around zero).
 */
import type { AbTestResult, AbVariant } from "./types";

export type BadgeTone = "success" | "critical" | "warning" | "neutral";
export type Badge = { tone: BadgeTone; messageId: string };

// Maps, not object literals: a verdict like "toString" must not find Object.prototype's.
const HOLDOUT = new Map<string, BadgeTone>([
  ["better", "success"],
  ["worse", "critical"],
  ["no_evidence", "neutral"],
  ["too_few", "warning"],
  ["no_holdout", "neutral"],
]);
const AB = new Map<string, BadgeTone>([
  ["winner", "success"],
  ["no_winner_yet", "neutral"],
  ["too_few", "warning"],
]);
const UNKNOWN: Badge = { tone: "neutral", messageId: "analytics.verdict.unknown" };

export const holdoutBadge = (verdict: string): Badge => {
  const tone = HOLDOUT.get(verdict);
  return tone ? { tone, messageId: `analytics.holdout.verdict.${verdict}` } : UNKNOWN;
};

export const abBadge = (verdict: string): Badge => {
  const tone = AB.get(verdict);
  return tone ? { tone, messageId: `analytics.ab.verdict.${verdict}` } : UNKNOWN;
};

/** The variant that won, if the test has a winner the variants know. */
export const winnerOf = (test: Pick<AbTestResult, "winner" | "variants">): AbVariant | null =>
  test.winner === null ? null : (test.variants.find((variant) => variant.branch === test.winner) ?? null);

/** The rate a test decides by (clicks or conversions). */
export const deciding = (test: Pick<AbTestResult, "metric">, variant: Pick<AbVariant, "clickRate" | "conversionRate">): number =>
  test.metric === "click" ? variant.clickRate : variant.conversionRate;

export type IntervalGeometry = {
  /** percent of the bar's width, left edge of the interval */
  left: number;
  width: number;
  /** where the point estimate and zero are, percent of the width */
  point: number;
  zero: number;
  /** whether the interval lies wholly on one side of zero */
  excludesZero: boolean;
};

/**
 * An interval drawn on a scale symmetric around zero, wide enough for it (and for `span`,
 * when several bars share one scale); null when the API gave no interval.
 */
export const intervalGeometry = (point: number | null, low: number | null, high: number | null, span?: number): IntervalGeometry | null => {
  if (point === null || low === null || high === null) return null;
  const reach = Math.max(Math.abs(low), Math.abs(high), Math.abs(point), span ?? 0) || 1;
  const at = (value: number) => Math.round(((value + reach) / (2 * reach)) * 10_000) / 100;
  return {
    left: at(low),
    width: Math.round((at(high) - at(low)) * 100) / 100,
    point: at(point),
    zero: 50,
    excludesZero: low > 0 || high < 0,
  };
};
