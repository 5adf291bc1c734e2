import { describe, expect, it } from "vitest";

import { barsOf, decimal, isNps, npsBreakdown, npsGroupOf } from "./results";

const counts = (answers: number[], from = 0) => answers.map((n, i) => ({ rating: from + i, answers: n }));

describe("survey results", () => {
  it("groups 0-10 ratings as the app does", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsGroupOf)).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
    expect([isNps(0, 10), isNps(1, 10), isNps(0, 5)]).toEqual([true, false, false]);
  });

  it("counts and shares each group (one place)", () => {
    // 3 detractors, 1 passive, 2 promoters
    expect(npsBreakdown(counts([1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 2]))).toEqual({
      promoter: { answers: 2, percent: 33.3 },
      passive: { answers: 1, percent: 16.7 },
      detractor: { answers: 3, percent: 50 },
    });
    expect(npsBreakdown(counts(Array(11).fill(0)))).toEqual({
      promoter: { answers: 0, percent: 0 },
      passive: { answers: 0, percent: 0 },
      detractor: { answers: 0, percent: 0 },
    });
  });

  it("draws a bar per rating, lowest first, coloured by group on an NPS survey", () => {
    const shuffled = [...counts([4, 0, 2], 3)].reverse();
    expect(barsOf(shuffled, false)).toEqual([
      { rating: "3", answers: 4, group: null },
      { rating: "4", answers: 0, group: null },
      { rating: "5", answers: 2, group: null },
    ]);
    expect(barsOf(counts([1, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0]), true).map((bar) => bar.group)).toEqual([
      ...Array(7).fill("detractor"),
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });
});

describe("decimal", () => {
  it("shows the API's figure with its places, in the admin's language", () => {
    expect(decimal(7.5, 2, "en")).toBe("7.50");
    expect(decimal(7.5, 2, "de")).toBe("7,50");
    expect(decimal(-33.3, 1, "de")).toBe("-33,3");
    expect(decimal(null, 1, "en")).toBe("–");
  });
});
