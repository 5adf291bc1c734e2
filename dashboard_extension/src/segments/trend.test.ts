import { describe, expect, it } from "vitest";

import { formatChange, summarizeTrend } from "./trend";

const points = (...members: number[]) => members.map((n, i) => ({ day: `2025-01-${String(i + 1).padStart(2, "0")}`, members: n }));

describe("summarizeTrend", () => {
  it("compares the first day's end with today", () => {
    expect(summarizeTrend(points(4, 9, 2, 7))).toEqual({ first: 4, last: 7, change: 3, direction: "up" });
    expect(summarizeTrend(points(1200, 1000))).toEqual({ first: 1200, last: 1000, change: -200, direction: "down" });
    expect(summarizeTrend(points(5))).toEqual({ first: 5, last: 5, change: 0, direction: "flat" });
  });

  it("is null without points", () => {
    expect(summarizeTrend([])).toBeNull();
  });
});

describe("formatChange", () => {
  it("signs the change in the reader's notation", () => {
    expect(formatChange(1234, "en")).toBe("+1,234");
    expect(formatChange(1234, "de")).toBe("+1.234");
    expect(formatChange(-3, "en")).toBe("−3");
    expect(formatChange(0, "de")).toBe("±0");
  });
});
