import { describe, expect, it } from "vitest";

import {
  checkBroadcastTest,
  hasGoal,
  metricsOffered,
  newTest,
  splitNodeIds,
  testBlocked,
  testOf,
} from "./broadcast-test";
import { ENTRY_ID, definitionToDoc, docToDefinition } from "./convert";
import { editorReducer, initialState } from "./reducer";
import type { Definition, JsonObject } from "./types";
import { validateDefinition } from "./validate";

const broadcast = (entry: JsonObject = {}, extras: JsonObject = {}): Definition => ({
  entry: { type: "broadcast", segment_id: 3, send_at: "2027-01-15T09:00:00+01:00", local_time: false, ...entry },
  ...extras,
  start: "ab",
  nodes: {
    ab: { type: "split", branches: [{ percent: 50, next: "a" }, { percent: 50, next: "b" }] },
    a: { type: "send_email", template: "sale-a", next: "done" },
    b: { type: "send_email", template: "sale-b", next: "done" },
    done: { type: "exit" },
  },
});

const TEST = { split: "ab", share_percent: 20, wait_hours: 4, metric: "click" };

const found = (definition: Definition) => {
  const problems: unknown[] = [];
  checkBroadcastTest(definition, (field, code, values) => problems.push(values ? { field, code, values } : { field, code }));
  return problems;
};

describe("a broadcast's test share", () => {
  it("starts on the journey's first split: a tenth of the segment, decided by clicks after 4 hours", () => {
    expect(newTest(["ab", "other"])).toEqual({ split: "ab", share_percent: 10, wait_hours: 4, metric: "click" });
    expect(newTest([])).toMatchObject({ split: "" });
  });

  it("knows the journey's splits and whether it has a goal", () => {
    expect(splitNodeIds(broadcast().nodes)).toEqual(["ab"]);
    expect(splitNodeIds(undefined)).toEqual([]);
    expect(hasGoal(broadcast())).toBe(false);
    expect(hasGoal(broadcast({}, { goal: { event_type: "order.placed" } }))).toBe(true);
    expect(hasGoal(broadcast({}, { goal: null }))).toBe(false);
  });

  it("cannot go with local time", () => {
    expect(testBlocked({ type: "broadcast", local_time: true })).toBe("local_time");
    expect(testBlocked({ type: "broadcast", local_time: false })).toBeNull();
    expect(testOf({ type: "broadcast", test: TEST })).toEqual(TEST);
    expect(testOf({ type: "broadcast" })).toBeNull();
  });

  it("offers conversions only with a goal (or when already chosen, to show its problem)", () => {
    expect(metricsOffered(false, "click")).toEqual(["click"]);
    expect(metricsOffered(true, "click")).toEqual(["click", "conversion"]);
    expect(metricsOffered(false, "conversion")).toEqual(["click", "conversion"]);
  });
});

describe("checkBroadcastTest mirrors definition.py", () => {
  it("accepts no test, and a test within the bounds", () => {
    expect(found(broadcast())).toEqual([]);
    expect(found(broadcast({ test: null }))).toEqual([]);
    expect(found(broadcast({ test: { ...TEST, share_percent: 5, wait_hours: 168 } }))).toEqual([]);
    expect(found(broadcast({ test: { ...TEST, share_percent: 50, wait_hours: 1, metric: "conversion" } }, { goal: { event_type: "order.placed" } }))).toEqual(
      [],
    );
  });

  it("refuses each bound at its path", () => {
    expect(found(broadcast({ test: { split: "a", share_percent: 4, wait_hours: 169, metric: "opens" } }))).toEqual([
      { field: "entry.test.split", code: "test_split" },
      { field: "entry.test.share_percent", code: "range", values: { min: 5, max: 50 } },
      { field: "entry.test.wait_hours", code: "range", values: { min: 1, max: 168 } },
      { field: "entry.test.metric", code: "choice" },
    ]);
    expect(found(broadcast({ test: { ...TEST, share_percent: 10.5 } }))).toEqual([
      { field: "entry.test.share_percent", code: "range", values: { min: 5, max: 50 } },
    ]);
  });

  it("refuses conversions without a goal, and a test with local time", () => {
    expect(found(broadcast({ test: { ...TEST, metric: "conversion" } }))).toEqual([{ field: "entry.test.metric", code: "test_needs_goal" }]);
    expect(found(broadcast({ local_time: true, test: TEST }))).toEqual([{ field: "entry.test", code: "test_local_time" }]);
  });

  it("checks nothing of another entry type", () => {
    expect(found({ ...broadcast(), entry: { type: "manual", test: "x" } })).toEqual([]);
  });

  it("is part of the editor's validation", () => {
    expect(validateDefinition(broadcast({ test: TEST }))).toEqual([]);
    expect(validateDefinition(broadcast({ test: { ...TEST, wait_hours: 0 } }))).toEqual([
      { path: "entry.test.wait_hours", code: "range", values: { min: 1, max: 168 } },
    ]);
  });
});

describe("a test share through the canvas", () => {
  it("round-trips, and turning it on and off edits the entry only", () => {
    // given
    const definition = broadcast({ test: TEST });
    const { doc } = definitionToDoc(definition);
    expect(docToDefinition(doc)).toEqual(definition);

    // when: the test is turned off, then on again
    const entry = doc.nodes.find((n) => n.id === ENTRY_ID)!.data.config;
    const { test: _old, ...off } = entry;
    const stateOff = editorReducer(initialState(doc), { type: "configure", id: ENTRY_ID, config: off, at: 0 });
    const stateOn = editorReducer(stateOff, { type: "configure", id: ENTRY_ID, config: { ...off, test: newTest(splitNodeIds(docToDefinition(stateOff.doc).nodes)) }, at: 1 });

    // then
    expect(docToDefinition(stateOff.doc)).toEqual(broadcast());
    expect(docToDefinition(stateOn.doc)).toEqual(broadcast({ test: { split: "ab", share_percent: 10, wait_hours: 4, metric: "click" } }));
  });
});
