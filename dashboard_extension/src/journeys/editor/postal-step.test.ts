import { describe, expect, it } from "vitest";

import { NODE_SPECS } from "./catalogue";
import { summaryOf } from "./summary";
import type { Definition, RawStep } from "./types";
import { validateDefinition } from "./validate";

const withCard = (card: RawStep): Definition => ({
  entry: { type: "manual" },
  start: "card",
  nodes: { card: { ...card, next: "end" }, end: { type: "exit" } },
});

describe("the postal step", () => {
  it("starts with the win-back card, a thousand cards per batch and a noon cut-off", () => {
    expect(NODE_SPECS.send_postal.defaults()).toEqual({ template: "win-back-card", max_per_batch: 1000, cutoff_hour: 12 });
    expect(NODE_SPECS.send_postal.family).toBe("message");
  });

  it("is valid with the server's bounds and names what is out of them", () => {
    const card = { type: "send_postal", template: "win-back-card", max_per_batch: 500, cutoff_hour: 15 };
    expect(validateDefinition(withCard(card))).toEqual([]);
    expect(validateDefinition(withCard({ ...card, template: "", max_per_batch: 0, cutoff_hour: 24 }))).toEqual([
      { path: "nodes.card.template", code: "required" },
      { path: "nodes.card.max_per_batch", code: "range", values: { min: 1, max: 100000 } },
      { path: "nodes.card.cutoff_hour", code: "range", values: { min: 0, max: 23 } },
    ]);
    expect(validateDefinition(withCard({ ...card, template: "Win Back" }))).toEqual([
      { path: "nodes.card.template", code: "template_key" },
    ]);
  });

  it("is summed up by its card", () => {
    expect(summaryOf({ type: "send_postal", template: "thank-you-card" })).toEqual({ text: "thank-you-card" });
    expect(summaryOf({ type: "send_postal", template: "" })).toBeNull();
  });
});
