import { describe, expect, it } from "vitest";

import { definitionToDoc, docToDefinition } from "./convert";
import { editorReducer, initialState } from "./reducer";
import {
  addVariant,
  canAddVariant,
  checkSubjectVariants,
  removeVariant,
  setVariant,
  startTest,
  subjectVariants,
  variantLetter,
  variantsValue,
} from "./subject-test";
import type { Definition, JsonObject } from "./types";
import { validateDefinition } from "./validate";

const journey = (mail: JsonObject): Definition => ({
  entry: { type: "manual" },
  start: "mail",
  nodes: { mail: { type: "send_email", template: "welcome-1", ...mail, next: "done" }, done: { type: "exit" } },
});

const found = (value: Parameters<typeof checkSubjectVariants>[0]) => {
  const problems: unknown[] = [];
  checkSubjectVariants(value, (field, code, values) => problems.push(values ? { field, code, values } : { field, code }));
  return problems;
};

describe("a subject-line test's rows", () => {
  it("starts with two empty rows and takes rows up to four", () => {
    const two = startTest();
    const three = addVariant(two);
    const four = addVariant(three);

    expect(two).toEqual(["", ""]);
    expect(four).toEqual(["", "", "", ""]);
    expect(canAddVariant(four)).toBe(false);
    expect(addVariant(four)).toEqual(four);
    expect(canAddVariant([])).toBe(false);
  });

  it("removes a row, and ends the test when fewer than two would be left", () => {
    expect(removeVariant(["A", "B", "C"], 1)).toEqual(["A", "C"]);
    expect(removeVariant(["A", "B"], 0)).toEqual([]);
  });

  it("writes a row's subject, and leaves the key out when there is no test", () => {
    expect(setVariant(["A", "B"], 1, "{{ contact.first_name }}, your cart")).toEqual(["A", "{{ contact.first_name }}, your cart"]);
    expect(variantsValue([])).toBeUndefined();
    expect(variantsValue(["A", "B"])).toEqual(["A", "B"]);
  });

  it("reads the subjects of a configuration (none without the key)", () => {
    expect(subjectVariants({ type: "send_email" })).toEqual([]);
    expect(subjectVariants({ subject_variants: ["A", 3] })).toEqual(["A", ""]);
    expect([0, 1, 2, 3].map(variantLetter)).toEqual(["A", "B", "C", "D"]);
  });
});

describe("checkSubjectVariants mirrors definition.py's bounds", () => {
  it("accepts none, an empty list and two to four subjects", () => {
    expect(found(undefined)).toEqual([]);
    expect(found([])).toEqual([]);
    expect(found(["A", "B"])).toEqual([]);
    expect(found(["A", "B", "C", "D"])).toEqual([]);
  });

  it("refuses one subject, five, a blank one and one longer than 300 characters, each at its row", () => {
    expect(found(["A"])).toEqual([{ field: "subject_variants", code: "subject_count", values: { min: 2, max: 4 } }]);
    expect(found(["A", "B", "C", "D", "E"])).toEqual([{ field: "subject_variants", code: "subject_count", values: { min: 2, max: 4 } }]);
    expect(found(["A", "  "])).toEqual([{ field: "subject_variants.1", code: "subject_blank" }]);
    expect(found(["x".repeat(300), "x".repeat(301)])).toEqual([{ field: "subject_variants.1", code: "too_long", values: { max: 300 } }]);
    expect(found("A")).toEqual([{ field: "subject_variants", code: "subject_count", values: { min: 2, max: 4 } }]);
  });

  it("is part of the editor's validation of a send-email step, at the server's paths", () => {
    expect(validateDefinition(journey({ subject_variants: ["A", "B"] }))).toEqual([]);
    expect(validateDefinition(journey({ subject_variants: ["", "B"] }))).toEqual([{ path: "nodes.mail.subject_variants.0", code: "subject_blank" }]);
  });
});

describe("a subject-line test through the canvas", () => {
  it("round-trips a step with its subjects, and the editor's edits give the definition's shape", () => {
    // given
    const definition = journey({ at_best_hour: false, subject_variants: ["Your cart", "{{ contact.first_name }}, your cart"] });
    const { doc } = definitionToDoc(definition);
    expect(docToDefinition(doc)).toEqual(definition);

    // when: a third subject is added, then the first two are removed (the test ends)
    const configure = (state: ReturnType<typeof initialState>, variants: string[]) => {
      const node = state.doc.nodes.find((n) => n.id === "mail")!;
      const { subject_variants: _old, ...rest } = node.data.config;
      const value = variantsValue(variants);
      return editorReducer(state, { type: "configure", id: "mail", config: value === undefined ? rest : { ...rest, subject_variants: value }, at: 0 });
    };
    const three = configure(initialState(doc), addVariant(subjectVariants(doc.nodes.find((n) => n.id === "mail")!.data.config)));
    const variants = subjectVariants(three.doc.nodes.find((n) => n.id === "mail")!.data.config);
    const none = configure(three, removeVariant(removeVariant(setVariant(variants, 2, "Still there?"), 0), 0));

    // then
    expect((docToDefinition(three.doc).nodes!.mail as JsonObject).subject_variants).toEqual(["Your cart", "{{ contact.first_name }}, your cart", ""]);
    expect(docToDefinition(none.doc)).toEqual(journey({ at_best_hour: false }));
  });
});
