import { describe, expect, it } from "vitest";

import { commerceEntry, commerceTrigger } from "./commerce";
import { ENTRY_ID, definitionToDoc, docToDefinition } from "./convert";
import type { Action, EditorState } from "./reducer";
import { canRedo, canUndo, editorReducer, initialState } from "./reducer";
import type { Definition } from "./types";

const start = (definition: Definition): EditorState => initialState(definitionToDoc(definition).doc);
const run = (state: EditorState, ...actions: Action[]): EditorState => actions.reduce(editorReducer, state);
const definitionOf = (state: EditorState) => docToDefinition(state.doc);

const twoSteps: Definition = {
  entry: { type: "manual" },
  start: "a",
  nodes: { a: { type: "send_email", template: "hello", next: "end" }, end: { type: "exit" } },
};

describe("editorReducer", () => {
  it("inserts a node after the selected one, on its path, below it, and selects it", () => {
    // when
    const state = run(start(twoSteps), { type: "insertAfter", nodeType: "wait", afterId: "a" });

    // then
    expect(definitionOf(state).nodes).toEqual({
      a: { type: "send_email", template: "hello", next: "wait-1" },
      end: { type: "exit" },
      "wait-1": { type: "wait", duration: { days: 1 }, next: "end" },
    });
    const a = state.doc.nodes.find((n) => n.id === "a");
    expect(state.doc.nodes.find((n) => n.id === "wait-1")?.position).toEqual({ x: a?.position.x, y: (a?.position.y ?? 0) + 140 });
    expect(state.selection).toEqual({ kind: "node", id: "wait-1" });
  });

  it("places an inserted node beside the nodes in its way, never moving them", () => {
    // given: the exit sits right below the email
    const initial = start(twoSteps);
    const placed = run(initial, { type: "tidy", positions: { "@entry": { x: 0, y: -140 }, a: { x: 0, y: 0 }, end: { x: 0, y: 140 } } });

    // when
    const state = run(placed, { type: "insertAfter", nodeType: "wait", afterId: "a" });

    // then: the wait goes to the right of the exit, which stays put
    expect(state.doc.nodes.find((n) => n.id === "wait-1")?.position).toEqual({ x: 264, y: 140 });
    expect(state.doc.nodes.find((n) => n.id === "end")?.position).toEqual({ x: 0, y: 140 });
  });

  it("inserts on an edge, and on a two-way node's free output first", () => {
    const onEdge = run(start(twoSteps), { type: "insertOnEdge", nodeType: "condition", edgeId: `${ENTRY_ID}:start` });
    expect(definitionOf(onEdge).start).toBe("condition-1");
    expect(definitionOf(onEdge).nodes?.["condition-1"]).toEqual({ type: "condition", condition: { type: "order" }, yes: "a" });

    const after = run(onEdge, { type: "insertAfter", nodeType: "exit", afterId: "condition-1" });
    expect(definitionOf(after).nodes?.["condition-1"]).toEqual({ type: "condition", condition: { type: "order" }, yes: "a", no: "exit-1" });
  });

  it("connects one target per output, replacing the old edge, never into the entry", () => {
    const state = run(start(twoSteps), { type: "addNode", nodeType: "exit", position: { x: 5, y: 5 } });
    const connected = run(state, { type: "connect", source: "a", sourceHandle: "next", target: "exit-1" });
    expect(definitionOf(connected).nodes?.a).toEqual({ type: "send_email", template: "hello", next: "exit-1" });
    expect(connected.doc.edges.filter((e) => e.source === "a")).toHaveLength(1);

    const refused = run(connected, { type: "connect", source: "a", sourceHandle: "next", target: ENTRY_ID });
    expect(refused).toBe(connected);
  });

  it("deletes a node with its edges, leaving the outputs that led to it open", () => {
    const state = run(start(twoSteps), { type: "select", selection: { kind: "node", id: "end" } }, { type: "deleteNode", id: "end" });
    expect(definitionOf(state)).toEqual({ entry: { type: "manual" }, start: "a", nodes: { a: { type: "send_email", template: "hello" } } });
    expect(state.selection).toBeNull();
  });

  it("undoes and redoes an edge", () => {
    // given
    const before = run(start(twoSteps), { type: "deleteEdge", edgeId: "a:next" });
    const connected = run(before, { type: "connect", source: "a", sourceHandle: "next", target: "end" });

    // when
    const undone = run(connected, { type: "undo" });
    const redone = run(undone, { type: "redo" });

    // then
    expect(undone.doc).toBe(before.doc);
    expect(canRedo(undone)).toBe(true);
    expect(redone.doc).toBe(connected.doc);
    expect(canRedo(redone)).toBe(false);
  });

  it("makes a whole drag one step, ended by the drop", () => {
    const initial = start(twoSteps);
    const dragged = run(
      initial,
      { type: "move", id: "a", position: { x: 10, y: 0 }, dragging: true },
      { type: "move", id: "a", position: { x: 20, y: 0 }, dragging: true },
      { type: "move", id: "a", position: { x: 30, y: 5 }, dragging: false },
      { type: "move", id: "a", position: { x: 40, y: 5 }, dragging: true },
      { type: "move", id: "a", position: { x: 50, y: 5 }, dragging: false },
    );
    expect(dragged.past).toHaveLength(2);
    expect(run(dragged, { type: "undo" }).doc.nodes.find((n) => n.id === "a")?.position).toEqual({ x: 30, y: 5 });
    expect(run(dragged, { type: "undo" }, { type: "undo" }).doc).toBe(initial.doc);
  });

  it("makes a burst of typing in one field one step, and a pause or another field a new one", () => {
    const config = (template: string) => ({ type: "send_email", template, next: "end" });
    const typed = run(
      start(twoSteps),
      { type: "configure", id: "a", config: config("h"), at: 1000, field: "template" },
      { type: "configure", id: "a", config: config("he"), at: 1500, field: "template" },
      { type: "configure", id: "a", config: config("hey"), at: 2400, field: "template" },
      { type: "configure", id: "a", config: config("heyo"), at: 5000, field: "template" },
      { type: "configure", id: "a", config: { ...config("heyo"), at_best_hour: true }, at: 5100, field: "at_best_hour" },
    );
    expect(typed.past).toHaveLength(3);
    expect(definitionOf(run(typed, { type: "undo" }, { type: "undo" })).nodes?.a).toMatchObject({ template: "hey" });
    expect(definitionOf(run(typed, { type: "undo" }, { type: "undo" }, { type: "undo" })).nodes?.a).toMatchObject({ template: "hello" });
  });

  it("drops the edges of a split's removed branches", () => {
    const split: Definition = {
      entry: { type: "manual" },
      start: "s",
      nodes: {
        s: { type: "split", branches: [{ percent: 40, next: "e" }, { percent: 30, next: "e" }, { percent: 30, next: "e" }] },
        e: { type: "exit" },
      },
    };
    const state = run(start(split), {
      type: "configure",
      id: "s",
      config: { type: "split", branches: [{ percent: 50 }, { percent: 50 }] },
      at: 0,
    });
    expect(definitionOf(state).nodes?.s).toEqual({ type: "split", branches: [{ percent: 50, next: "e" }, { percent: 50, next: "e" }] });
  });

  it("adds an entry to an empty draft, and changes its type in place", () => {
    const empty = start({});
    const withEntry = run(empty, { type: "setEntry", entryType: "event" });
    expect(definitionOf(withEntry)).toEqual({ entry: { type: "event", event_type: "" } });
    const changed = run(withEntry, { type: "setEntry", entryType: "manual" });
    expect(definitionOf(changed)).toEqual({ entry: { type: "manual" } });
    expect(changed.past).toHaveLength(2);
    const again = run({ ...changed, selection: null }, { type: "setEntry", entryType: "manual" });
    expect(again.doc).toBe(changed.doc);
    expect(again.selection).toEqual({ kind: "node", id: ENTRY_ID });
    expect(again.past).toHaveLength(2);
  });

  it("sets a preconfigured entry (a commerce trigger) in place of the entry, even of the same type", () => {
    const config = commerceEntry(commerceTrigger("stock_low")!);
    const withEvent = run(start(twoSteps), { type: "setEntry", entryType: "event" });
    const preset = run(withEvent, { type: "setEntry", entryType: "event", config });
    expect(definitionOf(preset).entry).toEqual({
      type: "event",
      event_type: "product.stock_low",
      where: [{ property: "interest_days", op: "lte", value: 7 }],
      entry_key: "product_id",
    });
    expect(definitionOf(preset).start).toBe("a");
    expect(preset.past).toHaveLength(2);
  });

  it("clears the selection only when the element deselected is the one selected", () => {
    const selected = run(start(twoSteps), { type: "select", selection: { kind: "node", id: "a" } });
    expect(run(selected, { type: "deselect", kind: "edge", ids: ["a"] }).selection).toEqual({ kind: "node", id: "a" });
    expect(run(selected, { type: "deselect", kind: "node", ids: ["end"] }).selection).toEqual({ kind: "node", id: "a" });
    expect(run(selected, { type: "deselect", kind: "node", ids: ["end", "a"] }).selection).toBeNull();
  });

  it("adds no step beyond the definition's 100", () => {
    const nodes = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`n${i}`, { type: "exit" }]));
    const full = start({ entry: { type: "manual" }, start: "n0", nodes });
    expect(run(full, { type: "addNode", nodeType: "wait", position: { x: 0, y: 0 } })).toBe(full);
    expect(run(full, { type: "insertAfter", nodeType: "wait", afterId: "n0" })).toBe(full);
    const ninetyNine = run(full, { type: "deleteNode", id: "n99" });
    expect(run(ninetyNine, { type: "addNode", nodeType: "wait", position: { x: 0, y: 0 } }).doc.nodes).toHaveLength(101);
  });

  it("ignores undo with nothing done, and a tidy-up is one step", () => {
    const initial = start(twoSteps);
    expect(run(initial, { type: "undo" })).toBe(initial);
    expect(canUndo(initial)).toBe(false);
    const tidied = run(initial, { type: "tidy", positions: { a: { x: 1, y: 2 }, end: { x: 3, y: 4 } } });
    expect(tidied.doc.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 3, y: 4 }]);
    expect(tidied.past).toHaveLength(1);
  });
});
