import { describe, expect, it } from "vitest";

import broadcastFixture from "./fixtures/broadcast.json";
import { broadcastDecision, isBroadcast, versionChoices } from "./journey";
import type { BroadcastAnalytics } from "./types";

describe("isBroadcast", () => {
  it("reads the live version's entry, else the draft's", () => {
    const broadcast = { entry: { type: "broadcast", segment: "vip" } };
    const event = { entry: { type: "event", event_type: "checkout.abandoned" } };

    expect(isBroadcast({ draft: event, currentVersion: { definition: broadcast } })).toBe(true);
    expect(isBroadcast({ draft: broadcast, currentVersion: { definition: event } })).toBe(false);
    expect(isBroadcast({ draft: broadcast, currentVersion: null })).toBe(true);
    expect(isBroadcast({ draft: {}, currentVersion: null })).toBe(false);
    expect(isBroadcast({ draft: { entry: ["broadcast"] }, currentVersion: null })).toBe(false);
  });
});

describe("versionChoices", () => {
  it("offers every version and each published one, newest first", () => {
    expect(versionChoices(3)).toEqual([null, 3, 2, 1]);
    expect(versionChoices(null)).toEqual([null]);
  });
});

describe("broadcastDecision", () => {
  const test = (broadcastFixture as BroadcastAnalytics).test!;

  it("names the winner sent to the rest, and whether it won significantly", () => {
    expect(broadcastDecision(test)).toEqual({
      kind: "decided",
      label: "Still thinking it over?",
      branch: 1,
      at: "2026-12-01T12:00:00+00:00",
      significant: true,
    });
    expect(broadcastDecision({ ...test, significant: false })).toMatchObject({ kind: "decided", significant: false });
    expect(broadcastDecision({ ...test, result: null })).toMatchObject({ kind: "decided", label: null, branch: 1 });
  });

  it("is undecided until a winner is chosen", () => {
    expect(broadcastDecision({ ...test, decidedAt: null, winner: null, significant: null })).toEqual({ kind: "undecided" });
  });
});
