import { describe, expect, it } from "vitest";

import { durationText, globalIdOf, pkOf, summaryOf } from "./summary";

describe("node summaries", () => {
  it("say what a node does in one line", () => {
    expect(durationText({ days: 2, hours: 3, minutes: 0 })).toBe("2 d 3 h");
    expect(summaryOf({ type: "wait", duration: { hours: 23 } })).toEqual({ text: "23 h" });
    expect(summaryOf({ type: "split", branches: [{ percent: 60 }, { percent: 40 }] })).toEqual({ text: "60% / 40%" });
    expect(summaryOf({ type: "send_email", template: "" })).toBeNull();
    expect(summaryOf({ type: "send_email", template: "cart", subject_variants: ["A", "B", "C"] })).toEqual({
      id: "editor.summary.subjectTest",
      values: { template: "cart", count: 3 },
    });
    expect(summaryOf({ type: "send_email", template: "cart", subject_variants: [] })).toEqual({ text: "cart" });
    expect(summaryOf({ type: "broadcast", segment_id: 3, test: { split: "ab", share_percent: 20, wait_hours: 4 } })).toEqual({
      id: "editor.summary.broadcastTest",
      values: { id: 3, share: 20 },
    });
    expect(summaryOf({ type: "broadcast", segment_id: 3, test: null })).toEqual({ id: "editor.summary.segment", values: { id: 3 } });
    expect(summaryOf({ type: "give_voucher", discount_type: "fixed", values: { "*": "4.5" }, currency: "EUR" })).toEqual({ text: "4.5 EUR" });
    expect(summaryOf({ type: "wait_for_event", event_type: "order.placed", timeout: { days: 3 } })).toEqual({
      id: "editor.summary.wait_for_event",
      values: { event: "order.placed", timeout: "3 d" },
    });
  });

  it("read the integer id inside a global id of the right kind only", () => {
    expect(pkOf("Segment", globalIdOf("Segment", 3))).toBe(3);
    expect(pkOf("Segment", globalIdOf("Contact", 3))).toBeNull();
    expect(pkOf("Segment", "not base64!")).toBeNull();
  });
});
