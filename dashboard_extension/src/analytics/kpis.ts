/**
 * The overview's KPI cards from one answer of `analyticsOverview`: what each card shows and
 * its change against the previous period (only when comparing). Rates over nothing sent are
 * no rate (the API's bounce and complaint rates are 0 then: shown as none, not as 0 %).
 */
import { type CountChange, countChange, type MoneyRow, moneyRows, type Polarity, rate, type RateChange, rateChange } from "./figures";
import type { AnalyticsOverview, Funnel, OverviewFigures } from "./types";

export type KpiValue =
  | { key: string; kind: "count"; value: number; change: CountChange | null }
  | { key: string; kind: "rate"; value: number | null; change: RateChange | null }
  | { key: string; kind: "money"; rows: MoneyRow[] };

export type KpiCard = {
  id:
    | "revenue"
    | "orders"
    | "recovered"
    | "sent"
    | "openRate"
    | "clickRate"
    | "listGrowth"
    | "bounceRate"
    | "complaintRate"
    | "entered"
    | "converted"
    | "conversionRate"
    | "goalRevenue";
  values: KpiValue[];
  /** the complaint rate is at or over the line mailbox providers enforce */
  warning: boolean;
};

const count = (key: string, current: number, previous: number | null, polarity: Polarity = "higherIsBetter"): KpiValue => ({
  key,
  kind: "count",
  value: current,
  change: previous === null ? null : countChange(current, previous, polarity),
});

const rateValue = (key: string, current: number | null, previous: number | null | undefined, polarity: Polarity = "higherIsBetter"): KpiValue => ({
  key,
  kind: "rate",
  value: current,
  change: previous === undefined ? null : rateChange(current, previous, polarity),
});

const sentRate = (figures: OverviewFigures, value: number) => (figures.funnel.sent > 0 ? value : null);

export const kpiCards = (overview: AnalyticsOverview): KpiCard[] => {
  const { current, previous } = overview;
  const now = current.funnel;
  const before = previous?.funnel ?? null;
  const complaintRate = sentRate(current, current.complaintRate);
  const card = (id: KpiCard["id"], values: KpiValue[], warning = false): KpiCard => ({ id, values, warning });
  return [
    card("revenue", [{ key: "revenue", kind: "money", rows: moneyRows(now.revenue, before?.revenue ?? null) }]),
    card("orders", [count("orders", now.converted, before?.converted ?? null)]),
    card("recovered", [
      count("recovered", current.recoveredCheckouts, previous?.recoveredCheckouts ?? null),
      { key: "recoveredRevenue", kind: "money", rows: moneyRows(current.recoveredRevenue, previous?.recoveredRevenue ?? null) },
    ]),
    card("sent", [count("sent", now.sent, before?.sent ?? null, "neutral")]),
    card("openRate", [rateValue("openRate", rate(now.opened, now.sent), before ? rate(before.opened, before.sent) : undefined)]),
    card("clickRate", [rateValue("clickRate", rate(now.clicked, now.sent), before ? rate(before.clicked, before.sent) : undefined)]),
    card("listGrowth", [
      count("subscribed", current.subscribed, previous?.subscribed ?? null),
      count("unsubscribed", current.unsubscribed, previous?.unsubscribed ?? null, "lowerIsBetter"),
    ]),
    card("bounceRate", [
      rateValue("bounceRate", sentRate(current, current.bounceRate), previous ? sentRate(previous, previous.bounceRate) : undefined, "lowerIsBetter"),
    ]),
    card(
      "complaintRate",
      [rateValue("complaintRate", complaintRate, previous ? sentRate(previous, previous.complaintRate) : undefined, "lowerIsBetter")],
      complaintRate !== null && complaintRate >= overview.complaintLine,
    ),
  ];
};

/**
 * A journey's cards: runs entered, messages sent, open and click rates of sent, runs converted
 * (the journey's goal), the conversion rate of entered runs and the goal orders' revenue per
 * currency (a journey's revenue is its goal's, not the attributed revenue of the overview).
 */
export const journeyKpiCards = (funnel: Funnel, previous: Funnel | null): KpiCard[] => {
  const card = (id: KpiCard["id"], values: KpiValue[]): KpiCard => ({ id, values, warning: false });
  const rates = (key: string, part: (f: Funnel) => number, whole: (f: Funnel) => number) =>
    rateValue(key, rate(part(funnel), whole(funnel)), previous ? rate(part(previous), whole(previous)) : undefined);
  return [
    card("entered", [count("entered", funnel.entered, previous?.entered ?? null, "neutral")]),
    card("sent", [count("sent", funnel.sent, previous?.sent ?? null, "neutral")]),
    card("openRate", [rates("openRate", (f) => f.opened, (f) => f.sent)]),
    card("clickRate", [rates("clickRate", (f) => f.clicked, (f) => f.sent)]),
    card("converted", [count("converted", funnel.converted, previous?.converted ?? null)]),
    card("conversionRate", [rates("conversionRate", (f) => f.converted, (f) => f.entered)]),
    card("goalRevenue", [{ key: "goalRevenue", kind: "money", rows: moneyRows(funnel.revenue, previous?.revenue ?? null) }]),
  ];
};
