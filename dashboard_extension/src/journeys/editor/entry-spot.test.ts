import { describe, expect, it } from "vitest";

import { ENTRY_ID, definitionToDoc } from "./convert";
import { type View, entrySpot } from "./entry-spot";
import type { Definition } from "./types";

const doc = (definition: Definition, positions: Record<string, { x: number; y: number }> = {}) => {
  const built = definitionToDoc(definition).doc;
  return { ...built, nodes: built.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id]! } : n)) };
};

// the view of a blank journey: the canvas's origin at its top left, 575 x 538 pixels at zoom 1
const BLANK_VIEW: View = { x: 0, y: 0, width: 575, height: 538 };

describe("entrySpot", () => {
  it("puts a blank journey's entry in the middle of the view, never above it", () => {
    // (575 - 240) / 2 = 167.5 -> 168; (538 - 96) / 2 = 221
    expect(entrySpot(doc({}), BLANK_VIEW)).toEqual({ x: 168, y: 221 });
    expect(entrySpot(doc({}), { x: -400, y: 300, width: 1000, height: 500 })).toEqual({ x: -20, y: 502 });
  });

  it("puts it above the step the journey starts with when that spot is in view", () => {
    const started = doc({ start: "a", nodes: { a: { type: "exit" } } }, { a: { x: 100, y: 300 } });
    expect(entrySpot(started, BLANK_VIEW)).toEqual({ x: 100, y: 160 });
  });

  it("puts it in the middle of the view, beside any step there, when the spot above the first step is out of view", () => {
    const started = doc({ start: "a", nodes: { a: { type: "exit" } } }, { a: { x: 168, y: 130 } });
    // above a: y = -10, outside; the middle (168, 221) is 91 below a, within its 96 + 24: one step right
    expect(entrySpot(started, BLANK_VIEW)).toEqual({ x: 168 + 240 + 24, y: 221 });
  });

  it("gives no spot when the journey has an entry (it changes in place)", () => {
    const withEntry = doc({ entry: { type: "manual" } });
    expect(withEntry.nodes.map((n) => n.id)).toEqual([ENTRY_ID]);
    expect(entrySpot(withEntry, BLANK_VIEW)).toBeNull();
  });
});
