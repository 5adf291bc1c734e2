import { describe, expect, it } from "vitest";

import { dayOf, eventTypeMessageId, filterableTypes, groupByDay, propertySummary, type TimelineEvent } from "./timeline";

const event = (id: string, occurredAt: string, type = "order.placed"): TimelineEvent => ({
  id,
  type,
  occurredAt,
  source: "saleor",
  properties: {},
});

describe("contact timeline", () => {
  it("groups events by the day of the viewer's time zone, newest first as given", () => {
    const events = [
      event("1", "2026-12-04T23:30:00Z"),
      event("2", "2026-12-04T08:00:00Z"),
      event("3", "2026-12-03T23:30:00Z"),
      event("4", "2026-12-01T10:00:00Z"),
    ];

    expect(groupByDay(events, "UTC").map((d) => [d.day, d.events.map((e) => e.id)])).toEqual([
      ["2026-12-04", ["1", "2"]],
      ["2026-12-03", ["3"]],
      ["2026-12-01", ["4"]],
    ]);
    expect(groupByDay(events, "Europe/Berlin").map((d) => [d.day, d.events.map((e) => e.id)])).toEqual([
      ["2026-12-05", ["1"]],
      ["2026-12-04", ["2", "3"]],
      ["2026-12-01", ["4"]],
    ]);
    expect(groupByDay([], "UTC")).toEqual([]);
  });

  it("finds a moment's day in a time zone", () => {
    expect(dayOf("2026-06-30T22:15:00Z", "Europe/Berlin")).toBe("2026-07-01");
    expect(dayOf("2026-06-30T22:15:00Z", "America/New_York")).toBe("2026-06-30");
  });

  it("labels known event types and names the others as they are", () => {
    expect(eventTypeMessageId("order.placed")).toBe("contacts.event.order.placed");
    expect(eventTypeMessageId("email.clicked")).toBe("contacts.event.email.clicked");
    expect(eventTypeMessageId("loyalty.tier_changed")).toBeNull();
  });

  it("offers the recorded types and the chosen ones, sorted", () => {
    expect(filterableTypes(["order.placed", "email.opened"], ["custom.thing", "order.placed"])).toEqual([
      "custom.thing",
      "email.opened",
      "order.placed",
    ]);
  });

  it("summarises scalar properties", () => {
    expect(propertySummary({ number: "1042", total: 43.5, lines: [1, 2], paid: true, note: "", x: null, a: 1, b: 2 }, 4)).toEqual([
      { key: "number", value: "1042" },
      { key: "total", value: "43.5" },
      { key: "paid", value: "true" },
      { key: "a", value: "1" },
    ]);
  });
});
