import { describe, expect, it } from "vitest";

import { isBroadcast, versionChoices } from "./journey";

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
