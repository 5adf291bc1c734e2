/**
 * The customer widget's decisions: which customer the Dashboard means, and the labels of
 * a contact's stage, scores and consents.
 */

export type Consent = "GRANTED" | "PENDING" | "UNKNOWN" | "WITHDRAWN";

export type WidgetContact = {
  id: string;
  lifecycleStage: string;
  rfm: { recency: number | null; frequency: number | null; monetary: number | null } | null;
  spend: { currency: string; total: string; orders: number; averageOrderValue: string }[];
  ordersCount: number;
  lastOrder: {
    saleorId: string;
    number: string;
    placedAt: string;
    total: string;
    currency: string;
    status: string;
  } | null;
  lastEngagementAt: string | null;
  activeJourneys: { id: string; node: string; enteredAt: string; journey: { id: string; name: string } }[];
  emailConsent: Consent;
  smsConsent: Consent;
  pushConsent: Consent;
};

/** The Saleor customer id the Dashboard put in the widget's query (`customerId`), or null. */
export const customerIdFrom = (search: string): string | null => {
  const id = new URLSearchParams(search).get("customerId")?.trim();

  return id ? id : null;
};

const STAGES = ["PROSPECT", "SUBSCRIBER", "FIRST_TIME_BUYER", "REPEAT", "VIP", "LAPSING", "LAPSED"];

export const stageMessageId = (stage: string): string =>
  STAGES.includes(stage) ? `widget.stage.${stage}` : "widget.stage.unknown";

const CONSENTS: readonly string[] = ["GRANTED", "PENDING", "UNKNOWN", "WITHDRAWN"];

export const consentMessageId = (consent: string): string =>
  CONSENTS.includes(consent) ? `widget.consent.${consent}` : "widget.consent.UNKNOWN";

export type ConsentTone = "success" | "warning" | "critical" | "neutral";

export const consentTone = (consent: string): ConsentTone => {
  switch (consent) {
    case "GRANTED":
      return "success";
    case "PENDING":
      return "warning";
    case "WITHDRAWN":
      return "critical";
    default:
      return "neutral";
  }
};

/** "R4 F2 M5"; null until the contact has been scored (all three quintiles known). */
export const rfmLabel = (rfm: WidgetContact["rfm"]): string | null =>
  rfm && rfm.recency !== null && rfm.frequency !== null && rfm.monetary !== null
    ? `R${rfm.recency} F${rfm.frequency} M${rfm.monetary}`
    : null;

/** Spend per currency, the biggest number of orders first, then by currency code. */
export const sortedSpend = (spend: WidgetContact["spend"]): WidgetContact["spend"] =>
  [...spend].sort((a, b) => b.orders - a.orders || a.currency.localeCompare(b.currency));
