import { describe, expect, it } from "vitest";

import { addDays, checkRange, dayCount, parseDay, presetRange, previousRange, rangeOf, todayUtc } from "./date-range";

// 23:30 in New York on 4 December is 04:30 UTC on 5 December: the UTC day counts.
const NOW = new Date("2026-12-05T04:30:00Z");

describe("presetRange", () => {
  it.each([
    ["last7", { from: "2026-11-29", to: "2026-12-05" }],
    ["last30", { from: "2026-11-06", to: "2026-12-05" }],
    ["last90", { from: "2026-09-07", to: "2026-12-05" }],
    ["thisMonth", { from: "2026-12-01", to: "2026-12-05" }],
    ["lastMonth", { from: "2026-11-01", to: "2026-11-30" }],
  ] as const)("%s", (preset, range) => {
    expect(presetRange(preset, NOW)).toEqual(range);
  });

  it("counts the days of each preset inclusively", () => {
    expect(dayCount(presetRange("last7", NOW))).toBe(7);
    expect(dayCount(presetRange("last30", NOW))).toBe(30);
    expect(dayCount(presetRange("last90", NOW))).toBe(90);
  });

  it("takes last month across a year and a leap February", () => {
    expect(presetRange("lastMonth", new Date("2027-01-10T00:00:00Z"))).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(presetRange("lastMonth", new Date("2028-03-31T23:59:59Z"))).toEqual({ from: "2028-02-01", to: "2028-02-29" });
  });

  it("uses the UTC day of now", () => {
    expect(todayUtc(new Date("2026-12-04T23:59:59-05:00"))).toBe("2026-12-05");
  });
});

describe("previousRange", () => {
  it("has as many days and ends the day before from", () => {
    expect(previousRange({ from: "2026-11-29", to: "2026-12-05" })).toEqual({ from: "2026-11-22", to: "2026-11-28" });
    expect(previousRange({ from: "2026-03-01", to: "2026-03-01" })).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    expect(previousRange({ from: "2026-11-01", to: "2026-11-30" })).toEqual({ from: "2026-10-02", to: "2026-10-31" });
  });
});

describe("checkRange", () => {
  it("accepts a single day and two real days in order", () => {
    expect(checkRange("2026-12-01", "2026-12-01")).toEqual({ ok: true, range: { from: "2026-12-01", to: "2026-12-01" } });
    expect(checkRange("2024-12-31", "2026-12-31")).toEqual({ ok: true, range: { from: "2024-12-31", to: "2026-12-31" } });
    expect(checkRange("2025-01-01", "2026-12-31")).toEqual({ ok: true, range: { from: "2025-01-01", to: "2026-12-31" } });
  });

  it.each([
    ["", "2026-12-01", "invalidFrom"],
    ["2026-02-30", "2026-03-01", "invalidFrom"],
    ["2026-12-01", "12/05/2026", "invalidTo"],
    ["2026-12-05", "2026-12-04", "reversed"],
    ["2024-12-30", "2026-12-31", "tooLong"],
  ])("%s to %s: %s", (from, to, problem) => {
    expect(checkRange(from, to)).toEqual({ ok: false, problem });
  });
});

describe("rangeOf", () => {
  it("is the preset's range or the checked custom one", () => {
    expect(rangeOf("last7", { from: "", to: "" }, NOW)).toEqual({ ok: true, range: { from: "2026-11-29", to: "2026-12-05" } });
    expect(rangeOf("custom", { from: "2026-10-01", to: "2026-10-15" }, NOW)).toEqual({ ok: true, range: { from: "2026-10-01", to: "2026-10-15" } });
    expect(rangeOf("custom", { from: "2026-10-15", to: "2026-10-01" }, NOW)).toEqual({ ok: false, problem: "reversed" });
  });
});

describe("days", () => {
  it("parses only real calendar days", () => {
    expect(parseDay("2028-02-29")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(parseDay("2026-02-29")).toBeNull();
    expect(parseDay("2026-1-01")).toBeNull();
  });

  it("adds days across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
