/**
 * The profile card's reading of a contact's best send time (graphql `Contact.sendTime`): the
 * sentence the card words in the admin's language ("Usually engages Tue 19–20h, from 12
 * clicks"; "Not enough data: the shop's best hour, Thu 10h"), the evidence behind it and when
 * a message due now would go, in the contact's zone.
 */
import type { AppLocale } from "../lib/locale";
import { formatDateTime } from "../lib/format";

export type SendTimeSource = "CONTACT" | "SHOP" | "NONE";
export type SendTime = {
  source: SendTimeSource;
  weekday: number | null; // 0 Monday .. 6 Sunday
  hour: number | null;
  clicks: number;
  opens: number;
  timeZone: string;
  nextMoment: string | null;
  explanation: string;
  priorWeight: number;
  minInteractions: number;
  shopContacts: number;
};

/** A message id with its values (the card formats it with react-intl). */
export type Said = { id: string; values: Record<string, string | number> };

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** The message id of a weekday's short name (0 Monday), the same in every browser. */
export const weekdayId = (weekday: number): string => `sendTime.weekday.${WEEKDAYS[weekday] ?? "mon"}`;

/** What the card says first: the contact's own best hour, the shop's, or that there is none
 * (`dayId`: the weekday's message id, for the card to word in `{day}`). */
export const sendTimeSaid = (sendTime: SendTime): Said => {
  if (sendTime.source === "NONE" || sendTime.weekday === null || sendTime.hour === null) return { id: "sendTime.profile.none", values: {} };
  const values = { dayId: weekdayId(sendTime.weekday), from: sendTime.hour, to: sendTime.hour + 1 };
  return sendTime.source === "SHOP" ? { id: "sendTime.profile.shop", values } : { id: "sendTime.profile.contact", values };
};

/** The counts behind it, clicks first, for a list ("12 clicks and 3 opens"); the shop's with SHOP. */
export const evidence = (sendTime: SendTime): Said[] =>
  [
    { id: "sendTime.profile.clicks", values: { count: sendTime.clicks } },
    { id: "sendTime.profile.opens", values: { count: sendTime.opens } },
  ].filter((said) => said.values.count > 0);

/** When a message due now would go, in the contact's zone; null without a best time. */
export const nextMomentSaid = (sendTime: SendTime, locale: AppLocale): string | null =>
  sendTime.nextMoment ? formatDateTime(sendTime.nextMoment, locale, sendTime.timeZone) : null;
