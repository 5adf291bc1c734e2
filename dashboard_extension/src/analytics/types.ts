/**
 * The analytics API's shapes, as the contract of issue 16 states them (schema.graphql wins).
 * Money comes as decimal strings with its currency, never summed across currencies; dates are
 * UTC calendar days (`YYYY-MM-DD`), both ends inclusive.
 */

export type CurrencyAmount = { currency: string; amount: string };

export type Funnel = {
  entered: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: CurrencyAmount[];
  unsubscribed: number;
  bounced: number;
  complained: number;
};

export type FunnelDay = { day: string; funnel: Funnel };
export type AnalyticsPeriod = { from: string; to: string };

export type OverviewFigures = {
  funnel: Funnel;
  recoveredCheckouts: number;
  recoveredRevenue: CurrencyAmount[];
  subscribed: number;
  unsubscribed: number;
  bounceRate: number;
  complaintRate: number;
};

export type AnalyticsRow = { id: string; name: string; funnel: Funnel };

export type AnalyticsOverview = {
  period: AnalyticsPeriod;
  previousPeriod: AnalyticsPeriod | null;
  current: OverviewFigures;
  previous: OverviewFigures | null;
  days: FunnelDay[];
  topJourneys: AnalyticsRow[];
  topTemplates: AnalyticsRow[];
  /** per sending channel (email, SMS, push) */
  channels: ChannelFunnel[];
  complaintLine: number;
};

export type CurrencyInterval = {
  currency: string;
  treated: string;
  holdout: string;
  difference: string;
  low: string | null;
  high: string | null;
};

export type HoldoutGroup = { recipients: number; converted: number; rate: number; revenue: CurrencyAmount[] };

export type HoldoutResult = {
  holdoutPercent: number;
  treated: HoldoutGroup;
  holdout: HoldoutGroup;
  lift: number | null;
  liftLow: number | null;
  liftHigh: number | null;
  revenuePerRecipient: CurrencyInterval[];
  verdict: string;
};

export type AbVariant = {
  branch: number;
  label: string;
  recipients: number;
  conversions: number;
  conversionRate: number;
  clicks: number;
  clickRate: number;
  uplift: number | null;
  pValue: number | null;
  low: number | null;
  high: number | null;
};

export type AbTestResult = {
  node: string;
  kind: string;
  metric: string;
  variants: AbVariant[];
  winner: number | null;
  verdict: string;
};

export type NodeAnalytics = { node: string; funnel: Funnel };
export type VersionFunnel = { number: number; funnel: Funnel };
export type ChannelFunnel = { channel: string; funnel: Funnel };

export type JourneyAnalytics = {
  period: AnalyticsPeriod;
  version: number | null;
  funnel: Funnel;
  previous: Funnel | null;
  days: FunnelDay[];
  nodes: NodeAnalytics[];
  versions: VersionFunnel[];
  channels: ChannelFunnel[];
  holdout: HoldoutResult;
  abTests: AbTestResult[];
};

export type BroadcastTest = {
  sharePercent: number;
  waitHours: number;
  metric: string;
  decidedAt: string | null;
  winner: number | null;
  /** won significantly (else the best rate seen); null until chosen */
  significant: boolean | null;
  result: AbTestResult | null;
};

export type BroadcastAnalytics = { funnel: Funnel; days: FunnelDay[]; test: BroadcastTest | null };
