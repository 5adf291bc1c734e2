import { describe, expect, it } from "vitest";

import journeyFixture from "./fixtures/journey.json";
import overviewFixture from "./fixtures/overview.json";
import { activitySeries, axisDay, funnelSteps, revenueSeries } from "./series";
import type { AnalyticsOverview, Funnel, JourneyAnalytics } from "./types";

const overview = overviewFixture as AnalyticsOverview;
const journey = journeyFixture as JourneyAnalytics;

describe("activitySeries", () => {
  it("is one point per day with the four daily counts", () => {
    const series = activitySeries(overview.days);

    expect(series).toHaveLength(7);
    expect(series[0]).toEqual({ day: "2026-11-29", sent: 120, opened: 48, clicked: 12, converted: 2 });
    expect(series[2]).toEqual({ day: "2026-12-01", sent: 0, opened: 0, clicked: 0, converted: 0 });
    expect(series.reduce((sum, point) => sum + point.sent, 0)).toBe(overview.current.funnel.sent);
  });
});

describe("revenueSeries", () => {
  it("keeps each currency on its own series, zero where a day earned nothing in it", () => {
    const series = revenueSeries(overview.days);

    expect(series.map(({ currency, total }) => ({ currency, total }))).toEqual([
      { currency: "EUR", total: 500 },
      { currency: "USD", total: 199.5 },
    ]);
    expect(series[1]?.points.map((point) => point.amount)).toEqual([0, 40, 0, 99.5, 0, 0, 60]);
  });

  it("leaves out currencies that earned nothing and has none for no revenue", () => {
    const zero = (day: string) => ({
      day,
      funnel: { ...overview.days[0]!.funnel, revenue: [{ currency: "PLN", amount: "0.00" }] },
    });

    expect(revenueSeries([zero("2026-12-01"), zero("2026-12-02")])).toEqual([]);
    expect(revenueSeries([])).toEqual([]);
  });
});

describe("funnelSteps", () => {
  it("goes from sent to converted with each step's share of sent", () => {
    expect(funnelSteps(journey.funnel)).toEqual({
      deliveryReports: true,
      steps: [
        { key: "sent", value: 120, ofSent: 1 },
        { key: "delivered", value: 115, ofSent: 115 / 120 },
        { key: "opened", value: 55, ofSent: 55 / 120 },
        { key: "clicked", value: 19, ofSent: 19 / 120 },
        { key: "converted", value: 6, ofSent: 6 / 120 },
      ],
    });
  });

  it("leaves out delivered when nothing sent had a delivery report (SMTP)", () => {
    const { steps, deliveryReports } = funnelSteps(overview.current.funnel);

    expect(deliveryReports).toBe(false);
    expect(steps.map((step) => [step.key, step.value])).toEqual([
      ["sent", 1000],
      ["opened", 418],
      ["clicked", 130],
      ["converted", 15],
    ]);
  });

  it("has no shares when nothing was sent", () => {
    const empty: Funnel = { entered: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, revenue: [], unsubscribed: 0, bounced: 0, complained: 0 };

    expect(funnelSteps(empty).steps.map((step) => step.ofSent)).toEqual([null, null, null, null, null]);
    expect(funnelSteps(empty).deliveryReports).toBe(true);
  });
});

describe("axisDay", () => {
  it("names the UTC day in the user's language", () => {
    expect(axisDay("2026-12-05", "en-US")).toBe("Dec 5");
    expect(axisDay("2026-12-05", "de-DE")).toBe("5. Dez.");
  });
});
