import { describe, expect, it } from "vitest";

import { checkForm, EMPTY_FORM } from "./form";
import { figuresOf, pollSeconds, type ProgressCounts, scheduleOf, stateOf, summaryOf, templatesOf } from "./progress";

const ZERO: ProgressCounts = {
  snapshotAt: null,
  recipients: 0,
  runsDue: 0,
  runsLocalTime: 0,
  testRest: 0,
  runsFailed: 0,
  queued: 0,
  deferred: 0,
  sent: 0,
  suppressed: 0,
  failed: 0,
  unknown: 0,
  cancelled: 0,
};
const SENDING: ProgressCounts = {
  ...ZERO,
  snapshotAt: "2026-12-01T08:00:00+00:00",
  recipients: 20,
  runsDue: 2,
  runsLocalTime: 3,
  testRest: 4,
  runsFailed: 1,
  queued: 1,
  deferred: 2,
  sent: 5,
  suppressed: 1,
  failed: 1,
  unknown: 0,
};

describe("figuresOf", () => {
  it("adds local-time runs to deferred, failed steps to failed, due, queued and the test's rest to still to send", () => {
    expect(figuresOf(SENDING, "active")).toEqual({ recipients: 20, sent: 5, deferred: 5, suppressed: 1, failed: 2, unknown: 0, toSend: 7, notSent: 0 });
  });

  it("once cancelled, counts everyone not reached as never sent", () => {
    const cancelled = { ...SENDING, queued: 1, deferred: 0, cancelled: 3 };
    expect(figuresOf(cancelled, "archived")).toEqual({ recipients: 20, sent: 5, deferred: 0, suppressed: 1, failed: 2, unknown: 0, toSend: 1, notSent: 12 });
  });
});

describe("stateOf and pollSeconds", () => {
  it("follows the journey's status, the snapshot and what is left", () => {
    expect(stateOf(ZERO, "draft")).toBe("draft");
    expect(stateOf(SENDING, "archived")).toBe("cancelled");
    expect(stateOf(SENDING, "paused")).toBe("paused");
    expect(stateOf(ZERO, "active")).toBe("scheduled");
    expect(stateOf(SENDING, "active")).toBe("sending");
    expect(stateOf({ ...SENDING, runsDue: 0, runsLocalTime: 0, queued: 0, deferred: 0 }, "active")).toBe("testing");
    expect(stateOf({ ...SENDING, runsDue: 0, runsLocalTime: 0, queued: 0, deferred: 0, testRest: 0 }, "active")).toBe("sent");
    expect(["draft", "scheduled", "sending", "testing", "sent", "paused", "cancelled"].map((s) => pollSeconds(s as never))).toEqual([null, 10, 5, 5, null, null, null]);
  });
});

describe("summaryOf", () => {
  const form = { ...EMPTY_FORM, name: "Sale", segmentId: btoa("Segment:3"), template: "sale-1" };
  const NOW = Date.parse("2026-12-01T08:00:00Z");
  const definition = (extra: Partial<typeof form>) => {
    const checked = checkForm({ ...form, ...extra }, "UTC", NOW);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    return checked.definition;
  };

  it("reads back what the form built", () => {
    expect(summaryOf(definition({}))).toEqual({
      segmentPk: 3,
      sendAt: "2026-12-01T08:00:00+00:00",
      localTime: false,
      content: { kind: "single", template: "sale-1" },
    });
    const ab = summaryOf(definition({ mode: "templates", templateB: "sale-2" }));
    expect(ab.content).toEqual({ kind: "templates", a: "sale-1", b: "sale-2", sharePercent: 20, waitHours: 4, metric: "click" });
    expect(templatesOf(ab.content)).toEqual(["sale-1", "sale-2"]);
    const subjects = summaryOf(definition({ mode: "subjects", subjects: ["A", "B"] }));
    expect(subjects.content).toEqual({ kind: "subjects", template: "sale-1", subjects: ["A", "B"] });
    const local = summaryOf(definition({ schedule: "local", date: "2026-12-02", time: "09:00" }));
    expect(scheduleOf(local)).toEqual({ kind: "local", wall: "2026-12-02T09:00" });
    expect(scheduleOf(summaryOf(definition({})))).toEqual({ kind: "instant", at: "2026-12-01T08:00:00+00:00" });
  });

  it("says 'other' for a journey shaped in the editor, and nothing for no definition", () => {
    const other = { entry: { type: "broadcast", segment_id: 1, send_at: "x" }, start: "w", nodes: { w: { type: "wait" } } };
    expect(summaryOf(other).content).toEqual({ kind: "other" });
    expect(templatesOf({ kind: "other" })).toEqual([]);
    expect(summaryOf(null)).toEqual({ segmentPk: null, sendAt: null, localTime: false, content: { kind: "other" } });
    expect(scheduleOf(summaryOf(null))).toBeNull();
  });
});
