/**
 * What the charts draw: the daily series of an answer's `days` (the API zero-fills every day
 * of the period, oldest first), revenue as one series per currency (never one line of mixed
 * money), and the funnel's steps.
 */
import { amountsByCurrency, rate } from "./figures";
import type { Funnel, FunnelDay } from "./types";

export const ACTIVITY_KEYS = ["sent", "opened", "clicked", "converted"] as const;
export type ActivityKey = (typeof ACTIVITY_KEYS)[number];
export type ActivityPoint = { day: string } & Record<ActivityKey, number>;

export const activitySeries = (days: readonly FunnelDay[]): ActivityPoint[] =>
  days.map(({ day, funnel }) => ({ day, sent: funnel.sent, opened: funnel.opened, clicked: funnel.clicked, converted: funnel.converted }));

export type RevenueSeries = { currency: string; total: number; points: { day: string; amount: number }[] };

/** One series per currency that earned anything in the period, by currency code; a day without
 * revenue in that currency is 0 there. */
export const revenueSeries = (days: readonly FunnelDay[]): RevenueSeries[] => {
  const perDay = days.map(({ day, funnel }) => ({ day, amounts: amountsByCurrency(funnel.revenue) }));
  const currencies = [...new Set(perDay.flatMap(({ amounts }) => [...amounts.keys()]))].sort();
  return currencies
    .map((currency) => {
      const points = perDay.map(({ day, amounts }) => ({ day, amount: amounts.get(currency) ?? 0 }));
      // cents, to keep 0.1 + 0.2 from showing as 0.30000000000000004
      const total = Math.round(points.reduce((sum, point) => sum + point.amount * 100, 0)) / 100;
      return { currency, total, points };
    })
    .filter((series) => series.total !== 0);
};

export const FUNNEL_STEPS = ["sent", "delivered", "opened", "clicked", "converted"] as const;
export type FunnelStepKey = (typeof FUNNEL_STEPS)[number];
export type FunnelStep = { key: FunnelStepKey; value: number; ofSent: number | null };

/**
 * Sent -> delivered -> opened -> clicked -> converted, each with its share of sent. Delivered
 * counts delivery reports only (ESPs and SMS send them, SMTP does not): with messages sent and
 * no report at all, the step is left out (`deliveryReports: false`) rather than drawn as zero.
 */
export const funnelSteps = (funnel: Funnel): { steps: FunnelStep[]; deliveryReports: boolean } => {
  const deliveryReports = !(funnel.sent > 0 && funnel.delivered === 0);
  const steps = FUNNEL_STEPS.filter((key) => key !== "delivered" || deliveryReports).map((key) => ({
    key,
    value: funnel[key],
    ofSent: rate(funnel[key], funnel.sent),
  }));
  return { steps, deliveryReports };
};

/** A day as the chart's axis shows it (5 Dec / 5. Dez.), read in UTC: the API's days are UTC days. */
export const axisDay = (day: string, intlLocale: string): string =>
  new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
