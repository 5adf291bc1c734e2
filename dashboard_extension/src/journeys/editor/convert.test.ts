import { describe, expect, it } from "vitest";

import { ENTRY_ID, definitionToDoc, docLayout, docToDefinition } from "./convert";
import small from "./fixtures/small.json";
import type { Definition, Layout } from "./types";

const fixture = small as unknown as { definition: Definition; layout: Layout };

describe("definition <-> canvas", () => {
  it("round-trips the definition and its layout exactly", () => {
    // given
    const { doc, missingPositions } = definitionToDoc(fixture.definition, fixture.layout);

    // when
    const definition = docToDefinition(doc);

    // then
    expect(definition).toEqual(fixture.definition);
    expect(JSON.stringify(definition.nodes)).toBe(JSON.stringify(fixture.definition.nodes));
    expect(docLayout(doc)).toEqual(fixture.layout);
    expect(missingPositions).toEqual([]);
  });

  it("makes one edge per connected output, named by its handle", () => {
    const { doc } = definitionToDoc(fixture.definition, fixture.layout);

    const from = (source: string) =>
      doc.edges.filter((e) => e.source === source).map((e) => [e.sourceHandle, e.target]);

    expect(from(ENTRY_ID)).toEqual([["start", "first"]]);
    expect(from("ab")).toEqual([
      ["branch-0", "pause"],
      ["branch-1", "ordered"],
    ]);
    expect(from("opened")).toEqual([
      ["on_event", "ordered"],
      ["on_timeout", "code"],
    ]);
    expect(from("ordered")).toEqual([
      ["yes", "end"],
      ["no", "code"],
    ]);
    expect(from("end")).toEqual([]);
    expect(doc.nodes.find((n) => n.id === "ab")?.data.config).toEqual({
      type: "split",
      branches: [{ percent: 70 }, { percent: 30 }],
    });
  });

  it("keeps a half-edited draft as it was: dangling outputs, odd values, unknown types, no entry", () => {
    // given
    const draft: Definition = {
      start: "a",
      nodes: {
        a: { type: "send_email", template: "", next: "gone" },
        b: { type: "wait", duration: { days: 1 }, next: null },
        c: { type: "teleport", next: "a" },
        d: { type: "split", branches: [{ percent: 50, next: "a" }, { percent: 50 }] },
      },
    };

    // when
    const { doc, missingPositions } = definitionToDoc(draft);

    // then
    expect(docToDefinition(doc)).toEqual(draft);
    expect(doc.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d"]);
    expect(doc.edges.map((e) => e.id)).toEqual(["d:branch-0"]);
    expect(doc.nodes[0]?.data.dangling).toEqual({ next: "gone" });
    expect(missingPositions).toEqual(["a", "b", "c", "d"]);
  });

  it("round-trips the empty draft of a new journey", () => {
    expect(docToDefinition(definitionToDoc({}).doc)).toEqual({});
    expect(docToDefinition(definitionToDoc({ nodes: {} }).doc)).toEqual({ nodes: {} });
  });
});
