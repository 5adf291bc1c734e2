import { describe, expect, it } from "vitest";

import journeyFixture from "./fixtures/journey.json";
import overviewFixture from "./fixtures/overview.json";
import { journeyKpiCards, kpiCards } from "./kpis";
import type { AnalyticsOverview, JourneyAnalytics } from "./types";

const overview = overviewFixture as AnalyticsOverview;
const byId = (cards: ReturnType<typeof kpiCards>) => Object.fromEntries(cards.map((card) => [card.id, card]));

describe("kpiCards", () => {
  it("shows every figure of the period with its change against the previous one", () => {
    const cards = byId(kpiCards(overview));

    expect(Object.keys(cards)).toEqual([
      "revenue",
      "orders",
      "recovered",
      "sent",
      "openRate",
      "clickRate",
      "listGrowth",
      "bounceRate",
      "complaintRate",
    ]);
    expect(cards.revenue?.values).toEqual([
      {
        key: "revenue",
        kind: "money",
        rows: [
          { currency: "EUR", amount: 500, previous: 400, change: { direction: "up", difference: 100, relative: 0.25, tone: "good" } },
          { currency: "PLN", amount: 0, previous: 120, change: { direction: "down", difference: -120, relative: -1, tone: "bad" } },
          { currency: "USD", amount: 199.5, previous: 0, change: { direction: "up", difference: 199.5, relative: null, tone: "good" } },
        ],
      },
    ]);
    expect(cards.orders?.values).toEqual([
      { key: "orders", kind: "count", value: 15, change: { direction: "up", difference: 5, relative: 0.5, tone: "good" } },
    ]);
    expect(cards.recovered?.values[0]).toEqual({
      key: "recovered",
      kind: "count",
      value: 6,
      change: { direction: "up", difference: 2, relative: 0.5, tone: "good" },
    });
    expect(cards.sent?.values).toEqual([
      { key: "sent", kind: "count", value: 1000, change: { direction: "up", difference: 200, relative: 0.25, tone: "neutral" } },
    ]);
    expect(cards.openRate?.values).toEqual([
      { key: "openRate", kind: "rate", value: 0.418, change: { direction: "up", points: 0.418 - 0.375, tone: "good" } },
    ]);
    expect(cards.clickRate?.values[0]).toMatchObject({ value: 0.13, change: { direction: "up", tone: "good" } });
    expect(cards.listGrowth?.values).toEqual([
      { key: "subscribed", kind: "count", value: 25, change: { direction: "up", difference: 5, relative: 0.25, tone: "good" } },
      { key: "unsubscribed", kind: "count", value: 3, change: { direction: "down", difference: -2, relative: -0.4, tone: "good" } },
    ]);
    expect(cards.bounceRate?.values[0]).toMatchObject({ value: 0.006, change: { direction: "down", tone: "good" } });
    expect(cards.complaintRate?.values[0]).toMatchObject({ value: 0.004, change: { direction: "up", tone: "bad" } });
  });

  it("warns when the complaint rate is at or over the line, not below it", () => {
    const at = { ...overview, current: { ...overview.current, complaintRate: 0.003 } };
    const below = { ...overview, current: { ...overview.current, complaintRate: 0.0029 } };

    expect(byId(kpiCards(overview)).complaintRate?.warning).toBe(true);
    expect(byId(kpiCards(at)).complaintRate?.warning).toBe(true);
    expect(byId(kpiCards(below)).complaintRate?.warning).toBe(false);
    expect(kpiCards(overview).filter((card) => card.warning).map((card) => card.id)).toEqual(["complaintRate"]);
  });

  it("has no changes without a comparison", () => {
    const alone = { ...overview, previous: null, previousPeriod: null };
    const cards = kpiCards(alone);

    expect(cards.flatMap((card) => card.values).map((value) => (value.kind === "money" ? value.rows.map((row) => row.change) : value.change))).toEqual([
      [null, null],
      null,
      null,
      [null],
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("shows no rates when nothing was sent (the API's zero is no rate)", () => {
    const funnel = { ...overview.current.funnel, sent: 0, opened: 0, clicked: 0 };
    const quiet = { ...overview, previous: null, current: { ...overview.current, funnel, bounceRate: 0, complaintRate: 0 } };
    const cards = byId(kpiCards(quiet));

    expect([cards.openRate, cards.clickRate, cards.bounceRate, cards.complaintRate].map((card) => card?.values[0])).toEqual([
      { key: "openRate", kind: "rate", value: null, change: null },
      { key: "clickRate", kind: "rate", value: null, change: null },
      { key: "bounceRate", kind: "rate", value: null, change: null },
      { key: "complaintRate", kind: "rate", value: null, change: null },
    ]);
    expect(cards.complaintRate?.warning).toBe(false);
  });
});

describe("journeyKpiCards", () => {
  const journey = journeyFixture as JourneyAnalytics;

  it("shows runs, sends, rates and the goal's conversions and revenue against the previous period", () => {
    expect(journeyKpiCards(journey.funnel, journey.previous).map((card) => [card.id, card.values])).toEqual([
      ["entered", [{ key: "entered", kind: "count", value: 60, change: { direction: "up", difference: 10, relative: 0.2, tone: "neutral" } }]],
      ["sent", [{ key: "sent", kind: "count", value: 120, change: { direction: "up", difference: 20, relative: 0.2, tone: "neutral" } }]],
      ["openRate", [{ key: "openRate", kind: "rate", value: 55 / 120, change: { direction: "up", points: 55 / 120 - 0.4, tone: "good" } }]],
      ["clickRate", [{ key: "clickRate", kind: "rate", value: 19 / 120, change: { direction: "up", points: 19 / 120 - 0.12, tone: "good" } }]],
      ["converted", [{ key: "converted", kind: "count", value: 6, change: { direction: "up", difference: 2, relative: 0.5, tone: "good" } }]],
      ["conversionRate", [{ key: "conversionRate", kind: "rate", value: 0.1, change: { direction: "up", points: 0.1 - 0.08, tone: "good" } }]],
      [
        "goalRevenue",
        [
          {
            key: "goalRevenue",
            kind: "money",
            rows: [
              { currency: "EUR", amount: 370, previous: 300, change: { direction: "up", difference: 70, relative: 70 / 300, tone: "good" } },
              { currency: "USD", amount: 125, previous: 0, change: { direction: "up", difference: 125, relative: null, tone: "good" } },
            ],
          },
        ],
      ],
    ]);
  });

  it("has no changes without a comparison and no conversion rate without runs", () => {
    const none = { ...journey.funnel, entered: 0, converted: 0 };
    const cards = journeyKpiCards(none, null);

    expect(cards.find((card) => card.id === "conversionRate")?.values).toEqual([{ key: "conversionRate", kind: "rate", value: null, change: null }]);
    expect(cards.flatMap((card) => card.values).every((value) => (value.kind === "money" ? value.rows.every((row) => row.change === null) : value.change === null))).toBe(true);
  });
});
