/**
 * The commerce triggers the palette offers as entries (journeys/commerce_triggers.py): each is
 * an `event` entry on the trigger's event, one run per product, whose settings are filters on
 * the event's properties: "viewed or carted in the last N days" (`interest_days lte N`) and,
 * for a price drop, "at least X % cheaper" (`drop_percent gte X`). The definition holds only
 * the filters; these functions read and write them, keeping any other filter the admin added.
 */
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export type CommerceTrigger = {
  id: "back_in_stock" | "price_drop" | "stock_low";
  eventType: string;
  labelId: string;
  descriptionId: string;
  /** The window a new entry starts with, in days (the app looks back at most `MAX_DAYS`). */
  days: number;
  /** The least drop a new price-drop entry starts with, in percent; null: not a price drop. */
  percent: number | null;
};

export const MAX_DAYS = 30;
export const MAX_PERCENT = 90;
export const DAYS = "interest_days";
export const PERCENT = "drop_percent";
export const ENTRY_KEY = "product_id";

export const COMMERCE_TRIGGERS: readonly CommerceTrigger[] = [
  {
    id: "back_in_stock",
    eventType: "product.back_in_stock",
    labelId: "editor.commerce.back_in_stock",
    descriptionId: "editor.commerce.back_in_stock.description",
    days: 14,
    percent: null,
  },
  {
    id: "price_drop",
    eventType: "product.price_dropped",
    labelId: "editor.commerce.price_drop",
    descriptionId: "editor.commerce.price_drop.description",
    days: 30,
    percent: 10,
  },
  {
    id: "stock_low",
    eventType: "product.stock_low",
    labelId: "editor.commerce.stock_low",
    descriptionId: "editor.commerce.stock_low.description",
    days: 7,
    percent: null,
  },
];

export const commerceTrigger = (id: string): CommerceTrigger | null => COMMERCE_TRIGGERS.find((t) => t.id === id) ?? null;

/** The trigger an entry configuration starts on, if it is one of them. */
export const commerceTriggerOf = (config: JsonObject): CommerceTrigger | null =>
  COMMERCE_TRIGGERS.find((t) => t.eventType === config.event_type) ?? null;

/** A new entry on the trigger, with its default window (and least drop). */
export const commerceEntry = (trigger: CommerceTrigger): JsonObject => {
  const where: Json[] = [{ property: DAYS, op: "lte", value: trigger.days }];
  if (trigger.percent !== null) where.push({ property: PERCENT, op: "gte", value: trigger.percent });
  return { event_type: trigger.eventType, where, entry_key: ENTRY_KEY };
};

const filters = (config: JsonObject): Json[] => (Array.isArray(config.where) ? config.where : []);

const valueOf = (config: JsonObject, property: string, op: string): number | null => {
  const found = filters(config).find((f) => isObject(f) && f.property === property && f.op === op);
  return isObject(found) && typeof found.value === "number" ? found.value : null;
};

/** N of "viewed or carted in the last N days", or null when the entry sets no window. */
export const interestDays = (config: JsonObject): number | null => valueOf(config, DAYS, "lte");

/** X of "at least X % cheaper", or null when the entry sets no least drop. */
export const leastDrop = (config: JsonObject): number | null => valueOf(config, PERCENT, "gte");

const clamp = (value: number, max: number): number => Math.min(max, Math.max(1, Math.round(value)));

/** The configuration with its filter on `property` replaced (removed when `value` is null),
 * the others kept in their order. */
const withFilter = (config: JsonObject, property: string, op: string, value: number | null): JsonObject => {
  const others = filters(config).filter((f) => !(isObject(f) && f.property === property));
  const where = value === null ? others : [...others, { property, op, value }];
  return { ...config, where };
};

export const withInterestDays = (config: JsonObject, days: number | null): JsonObject =>
  withFilter(config, DAYS, "lte", days === null ? null : clamp(days, MAX_DAYS));

export const withLeastDrop = (config: JsonObject, percent: number | null): JsonObject =>
  withFilter(config, PERCENT, "gte", percent === null ? null : clamp(percent, MAX_PERCENT));
