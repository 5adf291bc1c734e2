/**
 * Decisions of the profile's predicted-value section: what the API's `predictions` says, as
 * one of four states (not computed yet, not enough data with how far the shop is, a contact
 * who never bought, or the scores with their inputs and the fit they came from).
 */

export type PredictionFit = {
  model: string;
  currency: string;
  status: "FITTED" | "NOT_ENOUGH_DATA" | "NOT_COMPUTED";
  params: unknown;
  customers: number;
  repeatCustomers: number;
  spanDays: number;
  minCustomers: number;
  minRepeatCustomers: number;
  minSpanDays: number;
  fittedAt: string;
};

export type PredictedValue = {
  currency: string;
  orders: number;
  averageOrderValue: string;
  expectedOrders12m: number;
  expectedOrderValue: string | null;
  clv12m: string | null;
};

export type ContactPredictions = {
  status: PredictionFit["status"];
  frequency: number | null;
  recencyDays: number | null;
  ageDays: number | null;
  probabilityActive: number | null;
  expectedOrders12m: number | null;
  expectedNextOrderAt: string | null;
  values: PredictedValue[];
  fits: PredictionFit[];
};

/** What the shop lacks, each as [have, need]; only the conditions not met. */
export type Shortfall = { buyers?: [number, number]; repeatBuyers?: [number, number]; days?: [number, number] };

export type PredictionsView =
  | { kind: "notComputed" }
  | { kind: "notEnoughData"; shortfall: Shortfall }
  | { kind: "noPurchase" }
  | {
      kind: "scored";
      activePercent: number;
      expectedOrders: number;
      nextOrderAt: string | null;
      inputs: { frequency: number; recencyDays: number; ageDays: number };
      values: PredictedValue[];
      params: string;
      fittedAt: string;
    };

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** "r 0.243, alpha 4.41, a 0.793, b 2.43": a fit's parameters, three significant digits. */
export const paramsText = (params: unknown): string => {
  if (!params || typeof params !== "object") return "";
  return Object.entries(params as Record<string, unknown>)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .map(([name, value]) => `${name} ${Number(value.toPrecision(3))}`)
    .join(", ");
};

export const shortfallOf = (fit: PredictionFit): Shortfall => {
  const shortfall: Shortfall = {};
  if (fit.customers < fit.minCustomers) shortfall.buyers = [fit.customers, fit.minCustomers];
  if (fit.repeatCustomers < fit.minRepeatCustomers) shortfall.repeatBuyers = [fit.repeatCustomers, fit.minRepeatCustomers];
  if (fit.spanDays < fit.minSpanDays) shortfall.days = [Math.floor(fit.spanDays), fit.minSpanDays];
  return shortfall;
};

/** Values with a predicted lifetime value first (by currency), then those without. */
const sortedValues = (values: PredictedValue[]): PredictedValue[] =>
  [...values].sort((a, b) => Number(a.clv12m === null) - Number(b.clv12m === null) || a.currency.localeCompare(b.currency));

export const predictionsView = (predictions: ContactPredictions): PredictionsView => {
  const bgnbd = predictions.fits.find((fit) => fit.model === "bgnbd");
  if (predictions.status === "NOT_COMPUTED" || !bgnbd) return { kind: "notComputed" };
  if (predictions.status === "NOT_ENOUGH_DATA") return { kind: "notEnoughData", shortfall: shortfallOf(bgnbd) };
  const { probabilityActive, expectedOrders12m, frequency, recencyDays, ageDays } = predictions;
  if (probabilityActive === null || expectedOrders12m === null || frequency === null || recencyDays === null || ageDays === null) {
    return { kind: "noPurchase" };
  }
  return {
    kind: "scored",
    activePercent: Math.round(probabilityActive * 100),
    expectedOrders: round(expectedOrders12m, 1),
    nextOrderAt: predictions.expectedNextOrderAt,
    inputs: { frequency, recencyDays: round(recencyDays, 1), ageDays: round(ageDays, 1) },
    values: sortedValues(predictions.values),
    params: paramsText(bgnbd.params),
    fittedAt: bgnbd.fittedAt,
  };
};
