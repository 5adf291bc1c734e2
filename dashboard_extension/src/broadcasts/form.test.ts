import { describe, expect, it } from "vitest";

import definitions from "./fixtures/definitions.json";
import { type BroadcastForm, checkForm, EMPTY_FORM, fieldOfDefinitionError, fieldOfNodeError, segmentPk } from "./form";

const SEGMENT = btoa("Segment:7");
const NOW = Date.parse("2026-12-01T08:00:00Z");
const BERLIN = "Europe/Berlin";
const filled: BroadcastForm = { ...EMPTY_FORM, name: " December sale ", segmentId: SEGMENT, template: "sale-1" };

describe("checkForm", () => {
  it("names every missing field", () => {
    expect(checkForm(EMPTY_FORM, BERLIN, NOW)).toEqual({
      ok: false,
      problems: { name: "broadcasts.error.name", segmentId: "broadcasts.error.segment", template: "broadcasts.error.template" },
    });
  });

  it("sends one template now: send_at is the moment of the check", () => {
    expect(checkForm(filled, BERLIN, NOW)).toEqual({
      ok: true,
      sendAt: null,
      problems: {},
      definition: {
        entry: { type: "broadcast", segment_id: 7, send_at: "2026-12-01T08:00:00+00:00" },
        start: "mail",
        nodes: { mail: { type: "send_email", template: "sale-1", next: "end" }, end: { type: "exit" } },
      },
    });
  });

  it("converts a time in the admin's zone to UTC", () => {
    const checked = checkForm({ ...filled, schedule: "at", date: "2026-12-02", time: "09:00" }, BERLIN, NOW);
    expect(checked.ok && checked.definition.entry).toEqual({ type: "broadcast", segment_id: 7, send_at: "2026-12-02T08:00:00+00:00" });
    expect(checked.ok && checked.sendAt).toBe("2026-12-02T08:00:00+00:00");
  });

  it("refuses a time past, skipped by the clocks, missing or not a date", () => {
    const at = { ...filled, schedule: "at" as const };
    expect(checkForm({ ...at, date: "2026-12-01", time: "09:00" }, BERLIN, NOW).problems).toEqual({ time: "broadcasts.error.past" });
    expect(checkForm({ ...at, date: "2027-03-28", time: "02:30" }, BERLIN, NOW).problems).toEqual({ time: "broadcasts.error.timeSkipped" });
    expect(checkForm({ ...at, date: "", time: "" }, BERLIN, NOW).problems).toEqual({ date: "broadcasts.error.date" });
    expect(checkForm({ ...at, date: "2026-12-02", time: "" }, BERLIN, NOW).problems).toEqual({ time: "broadcasts.error.time" });
    expect(checkForm({ ...at, date: "2026-13-02", time: "09:00" }, BERLIN, NOW).problems).toEqual({ date: "broadcasts.error.dateInvalid" });
  });

  it("sends at each recipient's local time while some zone has not reached it", () => {
    const local = { ...filled, schedule: "local" as const, date: "2026-12-01", time: "09:00" };
    const checked = checkForm(local, BERLIN, NOW);
    expect(checked.ok && checked.definition.entry).toEqual({
      type: "broadcast",
      segment_id: 7,
      send_at: "2026-12-01T09:00:00+00:00",
      local_time: true,
    });
    // 09:00 on 30 November has passed at UTC−12 by 08:00 UTC on 1 December
    expect(checkForm({ ...local, date: "2026-11-30" }, BERLIN, NOW).problems).toEqual({ time: "broadcasts.error.localPassed" });
  });

  it("sends at each recipient's best time within 24 hours, not with local time", () => {
    const best = checkForm({ ...filled, schedule: "at", date: "2026-12-02", time: "09:00", bestTime: true }, BERLIN, NOW);
    expect(best.ok && best.definition.entry).toEqual({
      type: "broadcast",
      segment_id: 7,
      send_at: "2026-12-02T08:00:00+00:00",
      best_time: true,
    });
    const now = checkForm({ ...filled, bestTime: true }, BERLIN, NOW);
    expect(now.ok && now.definition.entry).toEqual({ type: "broadcast", segment_id: 7, send_at: "2026-12-01T08:00:00+00:00", best_time: true });
    const local = { ...filled, schedule: "local" as const, date: "2026-12-01", time: "09:00", bestTime: true };
    expect(checkForm(local, BERLIN, NOW)).toEqual({ ok: false, problems: { time: "broadcasts.error.bestTimeLocal" } });
  });

  it("tests two templates on a share, the winner by clicks going to the rest", () => {
    const ab = { ...filled, mode: "templates" as const, templateB: "sale-2", sharePercent: "10", waitHours: "6" };
    expect(checkForm(ab, BERLIN, NOW)).toEqual({
      ok: true,
      sendAt: null,
      problems: {},
      definition: {
        entry: {
          type: "broadcast",
          segment_id: 7,
          send_at: "2026-12-01T08:00:00+00:00",
          test: { split: "ab", share_percent: 10, wait_hours: 6, metric: "click" },
        },
        start: "ab",
        nodes: {
          ab: { type: "split", branches: [{ percent: 50, next: "a" }, { percent: 50, next: "b" }] },
          a: { type: "send_email", template: "sale-1", next: "end" },
          b: { type: "send_email", template: "sale-2", next: "end" },
          end: { type: "exit" },
        },
      },
    });
  });

  it("refuses a test with the same template twice, a share or wait out of range, or local time", () => {
    const ab = { ...filled, mode: "templates" as const, templateB: "sale-1", sharePercent: "60", waitHours: "0", schedule: "local" as const, date: "2026-12-02", time: "09:00" };
    expect(checkForm(ab, BERLIN, NOW).problems).toEqual({
      templateB: "broadcasts.error.sameTemplate",
      sharePercent: "broadcasts.error.share",
      waitHours: "broadcasts.error.wait",
      time: "broadcasts.error.testLocal",
    });
    expect(checkForm({ ...ab, templateB: "", sharePercent: "4.5", waitHours: "169", schedule: "now" }, BERLIN, NOW).problems).toEqual({
      templateB: "broadcasts.error.template",
      sharePercent: "broadcasts.error.share",
      waitHours: "broadcasts.error.wait",
    });
  });

  it("sends subject variants in equal shares, each with words and different", () => {
    const subjects = { ...filled, mode: "subjects" as const, subjects: [" 20% off ", "Our December sale"] as [string, string] };
    const checked = checkForm(subjects, BERLIN, NOW);
    expect(checked.ok && checked.definition.nodes).toEqual({
      mail: { type: "send_email", template: "sale-1", next: "end", subject_variants: ["20% off", "Our December sale"] },
      end: { type: "exit" },
    });
    expect(checkForm({ ...subjects, subjects: ["", "x".repeat(301)] }, BERLIN, NOW).problems).toEqual({
      subject0: "broadcasts.error.subject",
      subject1: "broadcasts.error.subjectLong",
    });
    expect(checkForm({ ...subjects, subjects: ["Same", " Same"] }, BERLIN, NOW).problems).toEqual({ subject1: "broadcasts.error.sameSubject" });
  });

  it("refuses a name over 120 characters", () => {
    expect(checkForm({ ...filled, name: "n".repeat(121) }, BERLIN, NOW).problems).toEqual({ name: "broadcasts.error.nameLong" });
  });
});

describe("ids and refusals", () => {
  it("reads a segment's integer id from its global id", () => {
    expect(segmentPk(SEGMENT)).toBe(7);
    expect(segmentPk(btoa("Journey:7"))).toBeNull();
    expect(segmentPk("not base64!")).toBeNull();
    expect(segmentPk("")).toBeNull();
  });

  it("places the API's refusals at their fields", () => {
    expect(fieldOfDefinitionError("entry.send_at")).toBe("time");
    expect(fieldOfDefinitionError("entry.segment_id")).toBe("segmentId");
    expect(fieldOfDefinitionError("entry.test.share_percent")).toBe("sharePercent");
    expect(fieldOfDefinitionError("nodes.b.template")).toBe("templateB");
    expect(fieldOfDefinitionError("nodes.mail.subject_variants")).toBe("subject0");
    expect(fieldOfDefinitionError("nodes.a")).toBe("template");
    expect(fieldOfDefinitionError("reentry")).toBeNull();
    expect(fieldOfNodeError("entry", "segment_id")).toBe("segmentId");
    expect(fieldOfNodeError("entry", "send_at")).toBe("time");
    expect(fieldOfNodeError("b", "template")).toBe("templateB");
    expect(fieldOfNodeError("mail", "template")).toBe("template");
  });
});

describe("the definitions shared with the API's test", () => {
  // tests/graphql/test_broadcasts.py publishes each of these (segment 7 standing for its own)
  it("are what the form builds", () => {
    const base = { ...filled, template: "welcome-1" };
    const built = (form: BroadcastForm) => {
      const checked = checkForm(form, BERLIN, NOW);
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      return checked.definition;
    };
    expect({
      "single-now": built(base),
      "single-at": built({ ...base, schedule: "at", date: "2026-12-02", time: "09:00" }),
      "single-local": built({ ...base, schedule: "local", date: "2026-12-02", time: "09:00" }),
      templates: built({ ...base, mode: "templates", templateB: "welcome-2", sharePercent: "10", waitHours: "6" }),
      subjects: built({ ...base, mode: "subjects", subjects: ["20% off", "Our December sale"] }),
    }).toEqual(definitions);
  });
});
