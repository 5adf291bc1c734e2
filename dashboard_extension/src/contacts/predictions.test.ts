import { describe, expect, it } from "vitest";

import { paramsText, predictionsView, type ContactPredictions, type PredictionFit } from "./predictions";

const fit = (overrides: Partial<PredictionFit> = {}): PredictionFit => ({
  model: "bgnbd",
  currency: "",
  status: "FITTED",
  params: { r: 0.2431, alpha: 4.41352, a: 0.7929, b: 2.4259 },
  customers: 2357,
  repeatCustomers: 1000,
  spanDays: 546.2,
  minCustomers: 500,
  minRepeatCustomers: 100,
  minSpanDays: 180,
  fittedAt: "2026-06-01T02:15:00+00:00",
  ...overrides,
});

const predictions = (overrides: Partial<ContactPredictions> = {}): ContactPredictions => ({
  status: "FITTED",
  frequency: 2,
  recencyDays: 100.04,
  ageDays: 400,
  probabilityActive: 0.8349,
  expectedOrders12m: 2.2549,
  expectedNextOrderAt: "2026-06-20T00:00:00+00:00",
  values: [],
  fits: [fit()],
  ...overrides,
});

describe("predictionsView", () => {
  it("shows the scores with their inputs and the fit's parameters", () => {
    expect(predictionsView(predictions())).toEqual({
      kind: "scored",
      activePercent: 83,
      expectedOrders: 2.3,
      nextOrderAt: "2026-06-20T00:00:00+00:00",
      inputs: { frequency: 2, recencyDays: 100, ageDays: 400 },
      values: [],
      params: "r 0.243, alpha 4.41, a 0.793, b 2.43",
      fittedAt: "2026-06-01T02:15:00+00:00",
    });
  });

  it("lists the currencies with a lifetime value first", () => {
    const eur = { currency: "EUR", orders: 1, averageOrderValue: "40.0000", expectedOrders12m: 1.1, expectedOrderValue: null, clv12m: null };
    const usd = { currency: "USD", orders: 3, averageOrderValue: "50.0000", expectedOrders12m: 1.1, expectedOrderValue: "48.2", clv12m: "53.1" };
    const chf = { ...usd, currency: "CHF" };

    const view = predictionsView(predictions({ values: [eur, usd, chf] }));

    expect(view.kind === "scored" && view.values.map((v) => v.currency)).toEqual(["CHF", "USD", "EUR"]);
  });

  it("says what the shop lacks below the gate, only the conditions not met", () => {
    const short = fit({ status: "NOT_ENOUGH_DATA", params: {}, customers: 120, repeatCustomers: 130, spanDays: 90.7 });

    expect(predictionsView(predictions({ status: "NOT_ENOUGH_DATA", fits: [short] }))).toEqual({
      kind: "notEnoughData",
      shortfall: { buyers: [120, 500], days: [90, 180] },
    });
  });

  it("tells a contact who never bought from a shop not computed yet", () => {
    const none = { frequency: null, recencyDays: null, ageDays: null, probabilityActive: null, expectedOrders12m: null };

    expect(predictionsView(predictions(none))).toEqual({ kind: "noPurchase" });
    expect(predictionsView(predictions({ ...none, status: "NOT_COMPUTED", fits: [] }))).toEqual({ kind: "notComputed" });
  });
});

describe("paramsText", () => {
  it("keeps numbers only", () => {
    expect(paramsText({ p: 6.25, q: 3.74451, gamma: 15.44, note: "x" })).toBe("p 6.25, q 3.74, gamma 15.4");
    expect(paramsText(null)).toBe("");
  });
});
