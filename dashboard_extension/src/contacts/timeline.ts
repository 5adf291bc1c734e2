/**
 * The contact's timeline: events grouped by day (in the viewer's time zone, newest day
 * first, as the API sends them newest first), the labels of event types, and the types a
 * filter can offer.
 */

export type TimelineEvent = {
  id: string;
  type: string;
  occurredAt: string;
  source: string;
  properties: Record<string, unknown>;
};

export type TimelineDay = { day: string; events: TimelineEvent[] };

/** The calendar day (YYYY-MM-DD) of a moment in a time zone (the browser's if none is given). */
export const dayOf = (iso: string, timeZone?: string): string => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    new Date(iso),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
};

/** Consecutive events of one day together, in the order given. */
export const groupByDay = (events: TimelineEvent[], timeZone?: string): TimelineDay[] => {
  const days: TimelineDay[] = [];
  for (const event of events) {
    const day = dayOf(event.occurredAt, timeZone);
    const last = days[days.length - 1];
    if (last && last.day === day) last.events.push(event);
    else days.push({ day, events: [event] });
  }
  return days;
};

/** Event types with a label of their own; any other type is shown as it is named. */
export const LABELLED_TYPES = [
  "order.placed",
  "order.paid",
  "order.confirmed",
  "order.fulfilled",
  "order.cancelled",
  "order.refunded",
  "order.fully_refunded",
  "order.attributed",
  "checkout.created",
  "checkout.updated",
  "checkout.paid",
  "checkout.abandoned",
  "cart.added",
  "cart.removed",
  "product.viewed",
  "customer.created",
  "customer.updated",
  "customer.metadata_updated",
  "customer.lapsed",
  "email.delivered",
  "email.opened",
  "email.clicked",
  "email.bounced",
  "email.complained",
  "email.unsubscribed",
  "sms.delivered",
  "sms.failed",
  "sms.clicked",
  "sms.replied",
  "push.clicked",
  "segment.entered",
  "segment.exited",
] as const;

/** The message id of a type's label, or null: the type's own name is its label. */
export const eventTypeMessageId = (type: string): string | null =>
  (LABELLED_TYPES as readonly string[]).includes(type) ? `contacts.event.${type}` : null;

/** The types a filter offers: the shop's recorded types, then any chosen one it lacks, sorted. */
export const filterableTypes = (recorded: string[], chosen: string[]): string[] =>
  [...new Set([...recorded, ...chosen])].sort((a, b) => a.localeCompare(b));

/** A few of an event's properties as "key: value" pairs (scalars only, at most `limit`). */
export const propertySummary = (properties: Record<string, unknown>, limit = 4): { key: string; value: string }[] =>
  Object.entries(properties ?? {})
    .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value) && String(value) !== "")
    .slice(0, limit)
    .map(([key, value]) => ({ key, value: String(value) }));
