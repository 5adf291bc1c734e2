import { describe, expect, it } from "vitest";

import { formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

// Intl separates amount and symbol with a no-break space.
const nbsp = "\u00a0";

describe("formatMoney", () => {
  it("formats each currency with its own symbol and decimals", () => {
    expect(formatMoney("1234.5", "EUR", "en")).toBe("€1,234.50");
    expect(formatMoney("1234.5", "EUR", "de")).toBe(`1.234,50${nbsp}€`);
    expect(formatMoney("1234.5", "USD", "de")).toBe(`1.234,50${nbsp}$`);
    expect(formatMoney("1234", "JPY", "en")).toBe("¥1,234");
    expect(formatMoney(0, "GBP", "en")).toBe("£0.00");
  });

  it("shows the amount and the code for a currency Intl cannot format", () => {
    expect(formatMoney("12.5", "NOT-A-CODE", "en")).toBe("12.5 NOT-A-CODE");
  });

  it("shows a value that is not a number as it came", () => {
    expect(formatMoney("n/a", "EUR", "en")).toBe("n/a EUR");
  });
});

describe("formatNumber", () => {
  it("groups thousands by language", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(1234567, "de")).toBe("1.234.567");
  });
});

describe("dates", () => {
  const iso = "2026-03-05T14:07:00+00:00";

  it("formats a date and time per language in the given time zone", () => {
    expect(formatDateTime(iso, "en", "UTC")).toBe("Mar 5, 2026, 2:07 PM");
    expect(formatDateTime(iso, "de", "UTC")).toBe("05.03.2026, 14:07");
    expect(formatDateTime(iso, "de", "Europe/Berlin")).toBe("05.03.2026, 15:07");
  });

  it("formats a date alone", () => {
    expect(formatDate(iso, "en", "UTC")).toBe("Mar 5, 2026");
    expect(formatDate(iso, "de", "UTC")).toBe("05.03.2026");
  });

  it("shows an unparseable value as it came", () => {
    expect(formatDateTime("yesterday", "en")).toBe("yesterday");
    expect(formatDate("", "de")).toBe("");
  });
});
