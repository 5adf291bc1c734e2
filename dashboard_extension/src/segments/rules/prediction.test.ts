import { describe, expect, it } from "vitest";

import type { PredictionFit } from "../../contacts/predictions";
import { PREDICTION_METRICS, defaultPrediction, predictionOps, readiness, shownValue, storedValue, withPredictionMetric } from "./prediction";

const fit = (over: Partial<PredictionFit>): PredictionFit => ({
  model: "bgnbd",
  currency: "",
  status: "FITTED",
  params: {},
  customers: 700,
  repeatCustomers: 150,
  spanDays: 400,
  minCustomers: 500,
  minRepeatCustomers: 100,
  minSpanDays: 180,
  fittedAt: "2026-12-05T02:00:00+00:00",
  ...over,
});

describe("prediction condition", () => {
  it("starts as probability active at least 50 %", () => {
    expect(defaultPrediction()).toEqual({ type: "prediction", metric: "probability_active", op: "gte", value: 0.5 });
    expect(shownValue(defaultPrediction())).toBe(50);
  });

  it("changes metric: a currency for spend only, the operator kept where the metric takes it", () => {
    const start = { type: "prediction", metric: "probability_active", op: "eq", value: 0.5 };
    const clv = withPredictionMetric(start, "clv", "EUR");
    expect(clv).toEqual({ type: "prediction", metric: "clv", op: "eq", value: 100, currency: "EUR" });
    // next_order_days compares with lt, lte, gt or gte: eq becomes its start, lte
    expect(withPredictionMetric(clv, "next_order_days", "EUR")).toEqual({ type: "prediction", metric: "next_order_days", op: "lte", value: 30 });
    expect(withPredictionMetric({ ...clv, op: "lt" }, "expected_orders", "EUR")).toEqual({ type: "prediction", metric: "expected_orders", op: "lt", value: 1 });
    expect(predictionOps("next_order_days")).toEqual(["lt", "lte", "gt", "gte"]);
    expect(predictionOps("clv")).toEqual(["eq", "ne", "gt", "gte", "lt", "lte"]);
  });

  it("shows a probability as a percentage and stores it back with four decimals", () => {
    expect(shownValue({ type: "prediction", metric: "probability_active", op: "gte", value: 0.3333 })).toBe(33.33);
    expect(storedValue("probability_active", 75)).toBe(0.75);
    expect(storedValue("probability_active", 12.345)).toBe(0.1235);
    expect(storedValue("probability_active", "abc")).toBe("abc");
    expect(storedValue("expected_orders", 2.5)).toBe(2.5);
    expect(shownValue({ type: "prediction", metric: "clv", currency: "USD", op: "gte", value: 250 })).toBe(250);
    expect(shownValue({ type: "prediction", metric: "expected_orders", op: "gte" })).toBeNull();
  });
});

describe("readiness", () => {
  it("is not computed before the first night", () => {
    expect(readiness([], "probability_active", undefined)).toEqual({ kind: "notComputed" });
  });

  it("names what the shop lacks below the gate", () => {
    const below = fit({ status: "NOT_ENOUGH_DATA", customers: 42, repeatCustomers: 7, spanDays: 95.6 });
    expect(readiness([below], "clv", "USD")).toEqual({
      kind: "notEnoughData",
      shortfall: { buyers: [42, 500], repeatBuyers: [7, 100], days: [95, 180] },
    });
  });

  it("is ready with a BG/NBD fit, and for spend with the currency's fit", () => {
    const fits = [
      fit({}),
      fit({ model: "gamma_gamma", currency: "USD" }),
      fit({ model: "gamma_gamma", currency: "EUR", status: "NOT_ENOUGH_DATA", repeatCustomers: 12 }),
    ];
    expect(readiness(fits, "next_order_days", undefined)).toEqual({ kind: "ready" });
    expect(readiness(fits, "clv", "USD")).toEqual({ kind: "ready" });
    expect(readiness(fits, "clv", "EUR")).toEqual({ kind: "noCurrencyFit", currency: "EUR", repeatBuyers: [12, 100] });
    expect(readiness(fits, "clv", "PLN")).toEqual({ kind: "noCurrencyFit", currency: "PLN", repeatBuyers: null });
  });
});

describe("prediction messages", () => {
  it("has every id the fields name or build in English and German", async () => {
    const en = { ...(await import("../../i18n/en/segment-predictions.json")).default, ...(await import("../../i18n/en/segment-rules.json")).default, ...(await import("../../i18n/en/contacts.json")).default };
    const de = { ...(await import("../../i18n/de/segment-predictions.json")).default, ...(await import("../../i18n/de/segment-rules.json")).default, ...(await import("../../i18n/de/contacts.json")).default };
    const source = (await import("./prediction-fields.tsx?raw")).default;
    const literal = [...source.matchAll(/t\("([\w.]+)"/g)].map((m) => m[1] as string);
    const built = [
      ...PREDICTION_METRICS.flatMap((m) => [`rules.prediction.metric.${m}`, `rules.prediction.value.${m}`, `rules.prediction.hint.${m}`]),
      ...["notComputed", "notEnoughData"].map((kind) => `rules.prediction.${kind}`),
      ...["buyers", "repeatBuyers", "days"].map((need) => `contacts.predictions.need.${need}`),
      ...["eq", "ne", "gt", "gte", "lt", "lte"].map((op) => `rules.op.${op}`),
      "rules.type.prediction",
    ];
    expect(literal).toEqual(["rules.field.metric", "rules.field.currency", "rules.field.op", "rules.prediction.noCurrencyFit", "rules.prediction.noCurrencyOrders"]);
    const ids = [...new Set([...literal, ...built])];
    expect(ids.filter((id) => !(id in en))).toEqual([]);
    expect(ids.filter((id) => !(id in de))).toEqual([]);
  });
});
