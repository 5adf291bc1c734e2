import { describe, expect, it } from "vitest";

import { explanationPhrases, scoreShares, sentence } from "./channel-preference";

describe("a contact's channel preference on the profile", () => {
  it("explains the last 90 days clicks first, each channel in order", () => {
    expect(
      explanationPhrases([
        { channel: "email", opens: 6, clicks: 4, replies: 0 },
        { channel: "sms", opens: 0, clicks: 1, replies: 2 },
      ]),
    ).toEqual([
      { verb: "clicked", items: [{ channel: "email", count: 4 }, { channel: "sms", count: 1 }] },
      { verb: "opened", items: [{ channel: "email", count: 6 }] },
      { verb: "replied", items: [{ channel: "sms", count: 2 }] },
    ]);
    expect(explanationPhrases([])).toEqual([]);
  });

  it("shows each score's share of the total", () => {
    expect(scoreShares([{ channel: "email", score: 2.2937 }, { channel: "sms", score: 0.1875 }])).toEqual([
      { channel: "email", percent: 92 },
      { channel: "sms", percent: 8 },
    ]);
    expect(scoreShares([])).toEqual([]);
  });

  it("begins the sentence with a capital", () => {
    expect(sentence("clicked 4 emails in the last 90 days")).toBe("Clicked 4 emails in the last 90 days");
    expect(sentence("")).toBe("");
  });
});
