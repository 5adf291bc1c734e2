import { describe, expect, it } from "vitest";

import { ENTRY_ID, LAYOUT_ENTRY_KEY, definitionToDoc } from "./convert";
import { NODE_HEIGHT, NODE_WIDTH, placeMissing, tidyPositions } from "./layout";
import type { Definition } from "./types";

const definition: Definition = {
  entry: { type: "manual" },
  start: "c",
  nodes: {
    c: { type: "condition", condition: { type: "order" }, yes: "y", no: "n" },
    y: { type: "exit" },
    n: { type: "exit" },
  },
};

describe("tidy-up layout", () => {
  it("places each step below the one leading to it, and branches side by side", () => {
    const positions = tidyPositions(definitionToDoc(definition).doc);

    expect(positions[ENTRY_ID]!.y).toBeLessThan(positions.c!.y);
    expect(positions.c!.y + NODE_HEIGHT).toBeLessThanOrEqual(positions.y!.y);
    expect(positions.y!.y).toBe(positions.n!.y);
    expect(Math.abs(positions.y!.x - positions.n!.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
  });

  it("places only the nodes without a saved position", () => {
    const { doc, missingPositions } = definitionToDoc(definition, { [LAYOUT_ENTRY_KEY]: { x: -500, y: -500 }, c: { x: 7, y: 8 } });
    expect(missingPositions).toEqual(["y", "n"]);

    const placed = placeMissing(doc, missingPositions);

    expect(placed.nodes.find((n) => n.id === "c")?.position).toEqual({ x: 7, y: 8 });
    expect(placed.nodes.find((n) => n.id === ENTRY_ID)?.position).toEqual({ x: -500, y: -500 });
    const tidy = tidyPositions(doc);
    expect(placed.nodes.find((n) => n.id === "y")?.position).toEqual(tidy.y);
    expect(placeMissing(doc, [])).toBe(doc);
  });
});
