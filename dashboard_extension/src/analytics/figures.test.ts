import { describe, expect, it } from "vitest";

import {
  countChange,
  formatCurrency,
  formatPoints,
  formatPValue,
  formatRate,
  formatRelative,
  formatSignedCurrency,
  moneyRows,
  rate,
  rateChange,
} from "./figures";

// Intl puts a narrow no-break space between amount and symbol in German
const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("rate", () => {
  it("divides, and is no rate over nothing", () => {
    expect(rate(41, 1000)).toBe(0.041);
    expect(rate(0, 10)).toBe(0);
    expect(rate(0, 0)).toBeNull();
    expect(rate(3, 0)).toBeNull();
  });
});

describe("countChange", () => {
  it("gives the difference and the relative change", () => {
    expect(countChange(150, 120)).toEqual({ direction: "up", difference: 30, relative: 0.25, tone: "good" });
    expect(countChange(90, 120)).toEqual({ direction: "down", difference: -30, relative: -0.25, tone: "bad" });
  });

  it("has no percentage when the previous period had none", () => {
    expect(countChange(5, 0)).toEqual({ direction: "up", difference: 5, relative: null, tone: "good" });
    expect(countChange(0, 0)).toEqual({ direction: "flat", difference: 0, relative: null, tone: "neutral" });
  });

  it("calls a rise bad news when lower is better", () => {
    expect(countChange(12, 4, "lowerIsBetter").tone).toBe("bad");
    expect(countChange(2, 4, "lowerIsBetter").tone).toBe("good");
    expect(countChange(2, 4, "neutral").tone).toBe("neutral");
  });
});

describe("rateChange", () => {
  it("is in points, and none when a period has no rate", () => {
    expect(rateChange(0.25, 0.2)).toEqual({ direction: "up", points: 0.25 - 0.2, tone: "good" });
    expect(rateChange(0.004, 0.002, "lowerIsBetter")).toEqual({ direction: "up", points: 0.002, tone: "bad" });
    expect(rateChange(0.1, 0.1)).toEqual({ direction: "flat", points: 0, tone: "neutral" });
    expect(rateChange(null, 0.2)).toBeNull();
    expect(rateChange(0.2, null)).toBeNull();
  });
});

describe("moneyRows", () => {
  it("keeps each currency apart, with a zero for a currency the other period lacks", () => {
    expect(
      moneyRows(
        [
          { currency: "USD", amount: "120.50" },
          { currency: "EUR", amount: "300.00" },
        ],
        [
          { currency: "EUR", amount: "200.00" },
          { currency: "PLN", amount: "99.99" },
        ],
      ),
    ).toEqual([
      { currency: "EUR", amount: 300, previous: 200, change: { direction: "up", difference: 100, relative: 0.5, tone: "good" } },
      { currency: "PLN", amount: 0, previous: 99.99, change: { direction: "down", difference: -99.99, relative: -1, tone: "bad" } },
      { currency: "USD", amount: 120.5, previous: 0, change: { direction: "up", difference: 120.5, relative: null, tone: "good" } },
    ]);
  });

  it("has no previous amounts without a comparison", () => {
    expect(moneyRows([{ currency: "EUR", amount: "1.10" }], null)).toEqual([{ currency: "EUR", amount: 1.1, previous: null, change: null }]);
  });
});

describe("formatting", () => {
  it("formats money per currency in the user's language", () => {
    expect(formatCurrency(24310, "EUR", "en")).toBe("€24,310.00");
    expect(nbsp(formatCurrency(24310, "EUR", "de"))).toBe("24.310,00 €");
    expect(formatCurrency(1234.5, "USD", "en")).toBe("$1,234.50");
    expect(formatCurrency(1000, "JPY", "en")).toBe("¥1,000");
    expect(formatCurrency(12, "XYZZY", "en")).toBe("12 XYZZY");
    expect(formatSignedCurrency(-12.5, "EUR", "en")).toBe("-€12.50");
    expect(formatSignedCurrency(12.5, "USD", "en")).toBe("+$12.50");
  });

  it("formats rates, points and relative changes", () => {
    expect(formatRate(0.041, "en")).toBe("4.1%");
    expect(nbsp(formatRate(0.041, "de"))).toBe("4,1 %");
    expect(formatRate(0.0035, "en", 2)).toBe("0.35%");
    expect(formatRate(null, "en")).toBe("–");
    expect(formatPoints(0.041, "en")).toBe("+4.1");
    expect(formatPoints(-0.005, "en")).toBe("-0.5");
    expect(formatRelative(0.25, "en")).toBe("+25%");
    expect(formatRelative(-1, "en")).toBe("-100%");
  });
});

describe("formatPValue", () => {
  it("shows three decimals, a floor and none", () => {
    expect(formatPValue(0.41, "en")).toBe("0.410");
    expect(formatPValue(0.0123, "de")).toBe("0,012");
    expect(formatPValue(0.0004, "en")).toBe("< 0.001");
    expect(formatPValue(null, "en")).toBe("–");
  });
});
