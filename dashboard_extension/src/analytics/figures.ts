/**
 * Rates, changes against the previous period and money per currency. A rate over nothing
 * (zero sent) is no rate (null), never 0 %; money is kept per currency, never summed across
 * currencies, and a currency present in only one of the two periods counts as zero in the other.
 */
import { type AppLocale } from "../lib/locale";
import { intlLocale } from "../lib/format";
import type { CurrencyAmount } from "./types";

/** `part / whole`, or null when there is nothing to divide by. */
export const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export type Direction = "up" | "down" | "flat";
/** Whether a rise is good news (orders, revenue), bad news (bounces, complaints) or neither. */
export type Polarity = "higherIsBetter" | "lowerIsBetter" | "neutral";
export type Tone = "good" | "bad" | "neutral";

export type CountChange = {
  direction: Direction;
  /** current - previous */
  difference: number;
  /** difference / previous; null when the previous period had none (no meaningful percentage) */
  relative: number | null;
  tone: Tone;
};

const toneOf = (direction: Direction, polarity: Polarity): Tone => {
  if (direction === "flat" || polarity === "neutral") return "neutral";
  return (direction === "up") === (polarity === "higherIsBetter") ? "good" : "bad";
};

const directionOf = (difference: number): Direction => (difference > 0 ? "up" : difference < 0 ? "down" : "flat");

/** The change of a count or amount against the previous period. */
export const countChange = (current: number, previous: number, polarity: Polarity = "higherIsBetter"): CountChange => {
  const difference = current - previous;
  const direction = directionOf(difference);
  return { direction, difference, relative: previous !== 0 ? difference / previous : null, tone: toneOf(direction, polarity) };
};

export type RateChange = {
  direction: Direction;
  /** current - previous, in rate units (0.01 = one percentage point) */
  points: number;
  tone: Tone;
};

/** The change of a rate in percentage points; null when either period has no rate. */
export const rateChange = (current: number | null, previous: number | null, polarity: Polarity = "higherIsBetter"): RateChange | null => {
  if (current === null || previous === null) return null;
  // rates are floats: a change below a thousandth of a point is no change
  const points = Math.abs(current - previous) < 1e-9 ? 0 : current - previous;
  const direction = directionOf(points);
  return { direction, points, tone: toneOf(direction, polarity) };
};

/** Decimal strings to numbers per currency (the API sends one entry per currency). */
export const amountsByCurrency = (amounts: readonly CurrencyAmount[]): Map<string, number> => {
  const byCurrency = new Map<string, number>();
  for (const { currency, amount } of amounts) byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + Number(amount));
  return byCurrency;
};

export type MoneyRow = { currency: string; amount: number; previous: number | null; change: CountChange | null };

/**
 * One row per currency of either period, sorted by currency code; without a previous period
 * (no comparison) no previous amount and no change.
 */
export const moneyRows = (current: readonly CurrencyAmount[], previous: readonly CurrencyAmount[] | null): MoneyRow[] => {
  const now = amountsByCurrency(current);
  const before = previous ? amountsByCurrency(previous) : null;
  const currencies = [...new Set([...now.keys(), ...(before?.keys() ?? [])])].sort();
  return currencies.map((currency) => {
    const amount = now.get(currency) ?? 0;
    if (!before) return { currency, amount, previous: null, change: null };
    const old = before.get(currency) ?? 0;
    return { currency, amount, previous: old, change: countChange(amount, old) };
  });
};

/** An amount in its currency, in the user's language (a currency Intl does not know: amount and code). */
export const formatCurrency = (amount: number, currency: string, locale: AppLocale): string => {
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
};

/** A rate as a percentage (0.041 -> "4.1%"); "–" for no rate. */
export const formatRate = (value: number | null, locale: AppLocale, digits = 1): string =>
  value === null
    ? "–"
    : new Intl.NumberFormat(intlLocale(locale), { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);

/** A change in percentage points with its sign (0.012 -> "+1.2 pts" is left to the message; this gives "+1.2"). */
export const formatPoints = (points: number, locale: AppLocale, digits = 1): string =>
  new Intl.NumberFormat(intlLocale(locale), { signDisplay: "exceptZero", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(points * 100);

/** A relative change with its sign (0.25 -> "+25%"). */
export const formatRelative = (relative: number, locale: AppLocale): string =>
  new Intl.NumberFormat(intlLocale(locale), { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 1 }).format(relative);

/** A count difference with its sign (12 -> "+12"). */
export const formatSigned = (value: number, locale: AppLocale): string =>
  new Intl.NumberFormat(intlLocale(locale), { signDisplay: "exceptZero", maximumFractionDigits: 2 }).format(value);

/** A signed amount in its currency ("+€12.50"). */
export const formatSignedCurrency = (amount: number, currency: string, locale: AppLocale): string => {
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency, signDisplay: "exceptZero" }).format(amount);
  } catch {
    return `${formatSigned(amount, locale)} ${currency}`;
  }
};

/** A p-value as read in reports: three decimals, "< 0.001" below that; "–" for none. */
export const formatPValue = (value: number | null, locale: AppLocale): string => {
  if (value === null) return "–";
  const format = new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  return value < 0.001 ? `< ${format.format(0.001)}` : format.format(value);
};
