/**
 * The journey fixtures the backend writes from Python (`make schema`; a pytest test feeds
 * them to journeyValidate): every preset, and one definition with every node type plus every
 * entry type. The editor must load and give back each exactly, and find nothing wrong in them.
 */
import { describe, expect, it } from "vitest";

import everyNode from "../../../fixtures/journeys/every-node.json";
import presets from "../../../fixtures/journeys/presets.json";
import { ENTRY_SPECS, NODE_SPECS } from "./catalogue";
import { definitionToDoc, docLayout, docToDefinition } from "./convert";
import type { Definition, Layout, RawStep } from "./types";
import { ENTRY_TYPES, NODE_TYPES } from "./types";
import { validateDefinition } from "./validate";

type Preset = { key: string; name: string; description: string; definition: Definition; layout: Layout };
const allPresets = presets as unknown as Preset[];
const every = everyNode as unknown as { definition: Definition; layout: Layout; entries: RawStep[] };

const roundTrip = (definition: Definition, layout: Layout) => {
  const { doc, missingPositions } = definitionToDoc(definition, layout);
  return { definition: docToDefinition(doc), layout: docLayout(doc), missingPositions };
};

describe("the backend's journey fixtures", () => {
  it("hold every preset, and every node and entry type of the catalogue", () => {
    expect(allPresets.map((p) => p.key)).toContain("abandoned-checkout");
    expect(new Set(Object.values(every.definition.nodes ?? {}).map((n) => n.type))).toEqual(new Set(NODE_TYPES));
    expect(new Set(every.entries.map((e) => e.type))).toEqual(new Set(ENTRY_TYPES));
    expect(Object.keys(NODE_SPECS).length + Object.keys(ENTRY_SPECS).length).toBe(NODE_TYPES.length + ENTRY_TYPES.length);
  });

  it("hold the A/B tests: a send-email step's subject-line test and a broadcast's test share", () => {
    const sends = Object.values(every.definition.nodes ?? {}).filter((n) => n.type === "send_email");

    expect(sends.some((n) => Array.isArray(n.subject_variants) && n.subject_variants.length >= 2)).toBe(true);
    expect(every.entries.some((e) => e.type === "broadcast" && typeof e.test === "object" && e.test !== null)).toBe(true);
  });

  it.each(allPresets.map((p) => [p.key, p] as const))("round-trips preset %s with its layout", (_key, preset) => {
    const back = roundTrip(preset.definition, preset.layout);

    expect(back.definition).toEqual(preset.definition);
    expect(back.layout).toEqual(preset.layout);
    expect(back.missingPositions).toEqual([]);
    expect(validateDefinition(preset.definition)).toEqual([]);
  });

  it.each(every.entries.map((entry) => [String(entry.type), entry] as const))(
    "round-trips every node type with the %s entry",
    (_type, entry) => {
      const definition = { ...every.definition, entry };
      const back = roundTrip(definition, every.layout);

      expect(back.definition).toEqual(definition);
      expect(back.layout).toEqual(every.layout);
      expect(back.missingPositions).toEqual([]);
      expect(validateDefinition(definition)).toEqual([]);
    },
  );
});
