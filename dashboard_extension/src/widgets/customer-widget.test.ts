import { describe, expect, it } from "vitest";

import { consentMessageId, consentTone, customerIdFrom, rfmLabel, sortedSpend, stageMessageId } from "./customer-widget";

describe("customerIdFrom", () => {
  it("reads the Dashboard's customerId among its other parameters", () => {
    expect(customerIdFrom("?saleorApiUrl=https%3A%2F%2Fshop%2Fgraphql%2F&id=QXBwOjE%3D&customerId=VXNlcjox")).toBe(
      "VXNlcjox",
    );
  });

  it("is null without one", () => {
    expect(customerIdFrom("?saleorApiUrl=x")).toBeNull();
    expect(customerIdFrom("?customerId=%20")).toBeNull();
    expect(customerIdFrom("")).toBeNull();
  });
});

describe("labels", () => {
  it("names every lifecycle stage and an unknown one", () => {
    expect(stageMessageId("VIP")).toBe("widget.stage.VIP");
    expect(stageMessageId("FIRST_TIME_BUYER")).toBe("widget.stage.FIRST_TIME_BUYER");
    expect(stageMessageId("ASTRONAUT")).toBe("widget.stage.unknown");
  });

  it("names each consent state with its tone", () => {
    expect(consentMessageId("GRANTED")).toBe("widget.consent.GRANTED");
    expect(consentMessageId("weird")).toBe("widget.consent.UNKNOWN");
    expect(["GRANTED", "PENDING", "WITHDRAWN", "UNKNOWN"].map(consentTone)).toEqual([
      "success",
      "warning",
      "critical",
      "neutral",
    ]);
  });

  it("writes RFM scores once all three are known", () => {
    expect(rfmLabel({ recency: 4, frequency: 2, monetary: 5 })).toBe("R4 F2 M5");
    expect(rfmLabel({ recency: 4, frequency: null, monetary: 5 })).toBeNull();
    expect(rfmLabel(null)).toBeNull();
  });
});

describe("sortedSpend", () => {
  it("puts the currency with most orders first", () => {
    const spend = [
      { currency: "USD", total: "10.00", orders: 1, averageOrderValue: "10.00" },
      { currency: "EUR", total: "90.00", orders: 3, averageOrderValue: "30.00" },
      { currency: "CHF", total: "5.00", orders: 1, averageOrderValue: "5.00" },
    ];

    expect(sortedSpend(spend).map((entry) => entry.currency)).toEqual(["EUR", "CHF", "USD"]);
  });
});
