import { describe, expect, it } from "vitest";

import everyNode from "../../../fixtures/journeys/every-node.json";
import presets from "../../../fixtures/journeys/presets.json";
import { compactRows, edgePath, NODE_HEIGHT, NODE_WIDTH, outputsOf, previewGraph } from "./preview";

describe("outputsOf", () => {
  it("names every kind of output", () => {
    expect(outputsOf({ type: "wait", next: "b" })).toEqual(["b"]);
    expect(outputsOf({ type: "condition", yes: "y", no: "n" })).toEqual(["y", "n"]);
    expect(outputsOf({ type: "wait_for_event", on_event: "e", on_timeout: "t" })).toEqual(["e", "t"]);
    expect(outputsOf({ type: "split", branches: [{ percent: 60, next: "a" }, { percent: 40, next: "b" }] })).toEqual([
      "a",
      "b",
    ]);
    expect(outputsOf({ type: "exit" })).toEqual([]);
  });
});

describe("previewGraph", () => {
  it("draws every step and every output of the fixture with every node type", () => {
    const { definition, layout } = everyNode as { definition: { nodes: Record<string, object> }; layout: object };
    const preview = previewGraph(definition, layout);

    expect(preview.nodes.map((node) => node.id).sort()).toEqual(["entry", ...Object.keys(definition.nodes)].sort());
    expect(preview.edges).toContainEqual({ from: "entry", to: "wait" });
    expect(preview.edges).toContainEqual({ from: "wait-for-event", to: "condition" });
    expect(preview.edges).toContainEqual({ from: "wait-for-event", to: "split" });
    expect(preview.edges).toContainEqual({ from: "split", to: "send-push" });
    expect(preview.edges).toContainEqual({ from: "split", to: "give-voucher" });
    expect(preview.edges).toContainEqual({ from: "condition", to: "send-sms" });
  });

  it("places every preset's steps where its layout says, inside the view box", () => {
    type Preset = { key: string; definition: unknown; layout: Record<string, { x: number; y: number }> };

    for (const preset of presets as unknown as Preset[]) {
      const preview = previewGraph(preset.definition, preset.layout);
      const { x, y, width, height } = preview.viewBox;

      for (const node of preview.nodes) {
        expect(preset.layout[node.id], `${preset.key} ${node.id}`).toEqual({ x: node.x, y: node.y });
        expect(node.x >= x && node.x + NODE_WIDTH <= x + width, `${preset.key} ${node.id} x`).toBe(true);
        expect(node.y >= y && node.y + NODE_HEIGHT <= y + height, `${preset.key} ${node.id} y`).toBe(true);
      }

      expect(preview.edges.length, preset.key).toBeGreaterThan(0);
    }
  });

  it("puts a step without a position below the others and drops outputs to no step", () => {
    const preview = previewGraph(
      { start: "a", nodes: { a: { type: "wait", next: "b" }, b: { type: "exit" }, c: { type: "exit", next: "gone" } } },
      { entry: { x: 0, y: 0 }, a: { x: 0, y: 140 } },
    );

    expect(preview.nodes).toEqual([
      { id: "entry", type: "entry", x: 0, y: 0 },
      { id: "a", type: "wait", x: 0, y: 140 },
      { id: "b", type: "exit", x: 0, y: 280 },
      { id: "c", type: "exit", x: 0, y: 420 },
    ]);
    expect(preview.edges).toEqual([
      { from: "entry", to: "a" },
      { from: "a", to: "b" },
    ]);
  });

  it("draws an empty definition as its entry alone", () => {
    expect(previewGraph({}, {})).toEqual({
      nodes: [{ id: "entry", type: "entry", x: 0, y: 0 }],
      edges: [],
      viewBox: { x: -12, y: -12, width: NODE_WIDTH + 24, height: NODE_HEIGHT + 24 },
    });
  });
});

describe("edgePath", () => {
  it("runs from the bottom middle of one box to the top middle of the next", () => {
    expect(edgePath({ x: 0, y: 0 }, { x: 130, y: 140 })).toBe("M 55 40 C 55 90, 185 90, 185 140");
  });
});

describe("compactRows", () => {
  it("closes up the rows and keeps the columns and edges", () => {
    const preview = compactRows(
      previewGraph(
        { start: "a", nodes: { a: { type: "condition", yes: "b", no: "c" }, b: { type: "exit" }, c: { type: "exit" } } },
        { entry: { x: 0, y: 0 }, a: { x: 0, y: 140 }, b: { x: -130, y: 420 }, c: { x: 130, y: 420 } },
      ),
    );

    expect(preview.nodes).toEqual([
      { id: "entry", type: "entry", x: 0, y: 0 },
      { id: "a", type: "condition", x: 0, y: 72 },
      { id: "b", type: "exit", x: -130, y: 144 },
      { id: "c", type: "exit", x: 130, y: 144 },
    ]);
    expect(preview.edges).toHaveLength(3);
    expect(preview.viewBox).toEqual({ x: -142, y: -12, width: 130 + NODE_WIDTH + 12 + 142, height: 144 + NODE_HEIGHT + 24 });
  });
});
