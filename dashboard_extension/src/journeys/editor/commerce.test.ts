import { describe, expect, it } from "vitest";

import {
  COMMERCE_TRIGGERS,
  commerceEntry,
  commerceTrigger,
  commerceTriggerOf,
  interestDays,
  leastDrop,
  withInterestDays,
  withLeastDrop,
} from "./commerce";
import presets from "../../../fixtures/journeys/presets.json";
import type { JsonObject } from "./types";

const priceDrop = commerceTrigger("price_drop")!;
const backInStock = commerceTrigger("back_in_stock")!;

describe("commerce triggers", () => {
  it("start an event entry on the trigger's event, one run per product, with its default settings", () => {
    expect(commerceEntry(priceDrop)).toEqual({
      event_type: "product.price_dropped",
      where: [
        { property: "interest_days", op: "lte", value: 30 },
        { property: "drop_percent", op: "gte", value: 10 },
      ],
      entry_key: "product_id",
    });
    expect(commerceEntry(backInStock)).toEqual({
      event_type: "product.back_in_stock",
      where: [{ property: "interest_days", op: "lte", value: 14 }],
      entry_key: "product_id",
    });
  });

  it("are the app's presets' entries", () => {
    const entries = (presets as unknown as { key: string; definition: { entry: JsonObject } }[]).map((p) => p.definition.entry);
    for (const trigger of COMMERCE_TRIGGERS) {
      const entry = entries.find((e) => e.event_type === trigger.eventType);
      expect(entry).toBeDefined();
      expect(commerceTriggerOf(entry!)).toBe(trigger);
      expect(entry!.entry_key).toBe("product_id");
    }
  });

  it("recognise an entry by its event type only", () => {
    expect(commerceTriggerOf({ event_type: "product.stock_low" })?.id).toBe("stock_low");
    expect(commerceTriggerOf({ event_type: "checkout.abandoned" })).toBeNull();
    expect(commerceTriggerOf({})).toBeNull();
  });

  it("read the window and the least drop from the filters", () => {
    const config = commerceEntry(priceDrop);
    expect([interestDays(config), leastDrop(config)]).toEqual([30, 10]);
    expect([interestDays({ event_type: "product.back_in_stock" }), leastDrop({})]).toEqual([null, null]);
    expect(interestDays({ where: [{ property: "interest_days", op: "gte", value: 3 }] })).toBeNull();
  });

  it("write a setting in place of its filter, keep the admin's other filters, and keep within bounds", () => {
    const config: JsonObject = {
      ...commerceEntry(priceDrop),
      where: [
        { property: "channel", op: "eq", value: "eu" },
        { property: "interest_days", op: "lte", value: 30 },
        { property: "drop_percent", op: "gte", value: 10 },
      ],
    };
    expect(withLeastDrop(withInterestDays(config, 7), 25).where).toEqual([
      { property: "channel", op: "eq", value: "eu" },
      { property: "interest_days", op: "lte", value: 7 },
      { property: "drop_percent", op: "gte", value: 25 },
    ]);
    expect(interestDays(withInterestDays(config, 45))).toBe(30);
    expect(interestDays(withInterestDays(config, 0))).toBe(1);
    expect(leastDrop(withLeastDrop(config, 12.6))).toBe(13);
    expect(withLeastDrop(withInterestDays(config, null), null).where).toEqual([{ property: "channel", op: "eq", value: "eu" }]);
  });
});
