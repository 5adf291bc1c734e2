import { describe, expect, it } from "vitest";

import journeyFixture from "./fixtures/journey.json";
import type { JourneyAnalytics } from "./types";
import { abBadge, deciding, holdoutBadge, intervalGeometry, winnerOf } from "./verdicts";

const journey = journeyFixture as JourneyAnalytics;

describe("holdoutBadge", () => {
  it.each([
    ["better", "success"],
    ["worse", "critical"],
    ["no_evidence", "neutral"],
    ["too_few", "warning"],
    ["no_holdout", "neutral"],
  ])("%s is %s", (verdict, tone) => {
    expect(holdoutBadge(verdict)).toEqual({ tone, messageId: `analytics.holdout.verdict.${verdict}` });
  });

  it("shows an unknown verdict as unknown", () => {
    expect(holdoutBadge("amazing")).toEqual({ tone: "neutral", messageId: "analytics.verdict.unknown" });
    expect(holdoutBadge("constructor")).toEqual({ tone: "neutral", messageId: "analytics.verdict.unknown" });
  });
});

describe("abBadge", () => {
  it("names a winner, no winner yet and too few", () => {
    expect(abBadge("winner")).toEqual({ tone: "success", messageId: "analytics.ab.verdict.winner" });
    expect(abBadge("no_winner_yet")).toEqual({ tone: "neutral", messageId: "analytics.ab.verdict.no_winner_yet" });
    expect(abBadge("too_few")).toEqual({ tone: "warning", messageId: "analytics.ab.verdict.too_few" });
    expect(abBadge("toString")).toEqual({ tone: "neutral", messageId: "analytics.verdict.unknown" });
  });
});

describe("winnerOf and deciding", () => {
  it("finds the winning variant and reads the rate the test decides by", () => {
    const [split, subject] = journey.abTests;

    expect(winnerOf(split!)).toBeNull();
    expect(winnerOf(subject!)?.label).toBe("Still thinking it over?");
    expect(winnerOf({ winner: 5, variants: subject!.variants })).toBeNull();
    expect(deciding(subject!, subject!.variants[1]!)).toBe(11 / 30);
    expect(deciding(split!, split!.variants[1]!)).toBe(4 / 30);
  });
});

describe("intervalGeometry", () => {
  it("places an interval that excludes zero right of the middle", () => {
    expect(intervalGeometry(0.1, 0.024, 0.176)).toEqual({ left: 56.82, width: 43.18, point: 78.41, zero: 50, excludesZero: true });
  });

  it("places one across zero around the middle", () => {
    expect(intervalGeometry(0.05, -0.1, 0.2)).toEqual({ left: 25, width: 75, point: 62.5, zero: 50, excludesZero: false });
  });

  it("shares a wider scale when asked", () => {
    expect(intervalGeometry(-0.1, -0.2, 0, 0.4)).toEqual({ left: 25, width: 25, point: 37.5, zero: 50, excludesZero: false });
  });

  it("is nothing without an interval", () => {
    expect(intervalGeometry(0.1, null, 0.2)).toBeNull();
    expect(intervalGeometry(null, null, null)).toBeNull();
  });
});
