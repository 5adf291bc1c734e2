import { describe, expect, it } from "vitest";

import { previewFreshness } from "./preview";

describe("previewFreshness", () => {
  it("is loading before the first count", () => {
    expect(previewFreshness({ hasResult: false, shownKey: null, editedKey: "a", fetching: true })).toBe("loading");
  });

  it("is stale while the rules on screen are newer than the count", () => {
    expect(previewFreshness({ hasResult: true, shownKey: "a", editedKey: "b", fetching: false })).toBe("stale");
    expect(previewFreshness({ hasResult: true, shownKey: "b", editedKey: "b", fetching: true })).toBe("stale");
  });

  it("is current once the count is of the rules on screen", () => {
    expect(previewFreshness({ hasResult: true, shownKey: "b", editedKey: "b", fetching: false })).toBe("current");
  });
});
