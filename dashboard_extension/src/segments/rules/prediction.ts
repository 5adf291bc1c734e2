/**
 * The rule builder's `prediction` condition (docs/segments.md, ADR 0032): a value the nightly
 * models predict per buyer. `probability_active` is 0 to 1 in the definition and shown as a
 * percentage; `expected_orders` and `clv` (spend in one currency) are over the next 12 months;
 * `next_order_days` is days from now to the expected next order (negative once overdue) and
 * compares with lt, lte, gt or gte only. A contact without the prediction never matches, so
 * while the shop has no fit the condition matches nobody: `readiness` says why, from the shop's
 * fits (`predictionFits`). Pure: no React, no I/O.
 */
import { type PredictionFit, type Shortfall, shortfallOf } from "../../contacts/predictions";
import type { Json, JsonObject } from "./model";

export const PREDICTION_METRICS = ["probability_active", "expected_orders", "clv", "next_order_days"] as const;
export type PredictionMetric = (typeof PREDICTION_METRICS)[number];

const ALL_COMPARISONS: readonly string[] = ["eq", "ne", "gt", "gte", "lt", "lte"];
const ORDERED: readonly string[] = ["lt", "lte", "gt", "gte"];

/** What a new condition on the metric starts with (a value the API accepts). */
const STARTS: Record<PredictionMetric, { op: string; value: number }> = {
  probability_active: { op: "gte", value: 0.5 },
  expected_orders: { op: "gte", value: 1 },
  clv: { op: "gte", value: 100 },
  next_order_days: { op: "lte", value: 30 },
};

export const isPredictionMetric = (value: unknown): value is PredictionMetric =>
  typeof value === "string" && (PREDICTION_METRICS as readonly string[]).includes(value);

export const predictionOps = (metric: Json | undefined): readonly string[] => (metric === "next_order_days" ? ORDERED : ALL_COMPARISONS);

export const defaultPrediction = (): JsonObject => ({ type: "prediction", metric: "probability_active", ...STARTS.probability_active });

/** The condition on another metric: its operator kept where the metric takes it, its value the
 * metric's start, a currency (the one given) for spend only. */
export const withPredictionMetric = (condition: JsonObject, metric: PredictionMetric, currency: string): JsonObject => {
  const { currency: _old, ...rest } = condition;
  const op = typeof condition.op === "string" && predictionOps(metric).includes(condition.op) ? condition.op : STARTS[metric].op;
  return { ...rest, metric, op, value: STARTS[metric].value, ...(metric === "clv" ? { currency } : {}) };
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The value as its field shows it: a probability as a percentage (0.5 -> 50). */
export const shownValue = (condition: JsonObject): Json => {
  const value = condition.value;
  return condition.metric === "probability_active" && typeof value === "number" ? round(value * 100, 2) : (value ?? null);
};

/** The field's value as the definition holds it: a percentage as a probability (50 -> 0.5, four
 * decimals as the API keeps). Anything not a number is kept for the API to refuse by name. */
export const storedValue = (metric: Json | undefined, shown: Json): Json =>
  metric === "probability_active" && typeof shown === "number" ? round(shown / 100, 4) : shown;

/** Whether the shop's fits let the condition match anyone, and if not, why. */
export type Readiness =
  | { kind: "ready" }
  | { kind: "notComputed" }
  | { kind: "notEnoughData"; shortfall: Shortfall }
  /** BG/NBD is fitted but the currency's spend model is not (too few repeat buyers in it). */
  | { kind: "noCurrencyFit"; currency: string; repeatBuyers: [number, number] | null };

export const readiness = (fits: readonly PredictionFit[], metric: Json | undefined, currency: Json | undefined): Readiness => {
  const bgnbd = fits.find((fit) => fit.model === "bgnbd");
  if (!bgnbd) return { kind: "notComputed" };
  if (bgnbd.status !== "FITTED") return { kind: "notEnoughData", shortfall: shortfallOf(bgnbd) };
  if (metric !== "clv") return { kind: "ready" };
  const code = typeof currency === "string" ? currency : "";
  const spend = fits.find((fit) => fit.model === "gamma_gamma" && fit.currency === code);
  if (spend?.status === "FITTED") return { kind: "ready" };
  return { kind: "noCurrencyFit", currency: code, repeatBuyers: spend ? [spend.repeatCustomers, spend.minRepeatCustomers] : null };
};
