import { describe, expect, it } from "vitest";

import { draftOf, isDirty, nameProblem, newDraft, refusalOf, type SavedSegment, saveInput, withRevision } from "./editor";
import { toDefinition } from "./rules/model";

const WOMEN = { version: 1, root: { type: "profile", field: "gender", op: "eq", value: "f" } };
const MEN = { version: 1, root: { type: "profile", field: "gender", op: "eq", value: "m" } };

const saved: SavedSegment = {
  id: "U2VnbWVudDox",
  key: "women",
  name: "Women",
  description: "",
  definition: WOMEN,
  revision: 2,
  status: "ACTIVE",
  isBuiltin: false,
  storefrontVisible: false,
  timeDependent: false,
  memberCount: 3,
  evaluatedAt: null,
  updatedAt: "2025-01-01T00:00:00+00:00",
  revisions: [
    { revision: 2, name: "Women", definition: WOMEN, createdAt: "2025-01-02T00:00:00+00:00" },
    { revision: 1, name: "Men", definition: MEN, createdAt: "2025-01-01T00:00:00+00:00" },
  ],
};

describe("the draft", () => {
  it("is clean as loaded and dirty once changed", () => {
    const draft = draftOf(saved);
    expect(isDirty(draft, saved)).toBe(false);
    expect(isDirty({ ...draft, description: "All women" }, saved)).toBe(true);
  });

  it("takes a revision's name and rules as an unsaved change", () => {
    const loaded = withRevision(draftOf(saved), saved.revisions[1]!);
    expect(loaded.name).toBe("Men");
    expect(toDefinition(loaded.tree)).toEqual(MEN);
    expect(isDirty(loaded, saved)).toBe(true);
  });

  it("of a new segment is dirty once named", () => {
    expect(isDirty(newDraft(), null)).toBe(false);
    expect(isDirty({ ...newDraft(), name: "VIPs" }, null)).toBe(true);
  });

  it("is saved trimmed with its definition", () => {
    expect(saveInput({ ...draftOf(saved), name: "  Women  ", description: " Every woman " })).toEqual({
      name: "Women",
      description: "Every woman",
      definition: WOMEN,
    });
  });
});

describe("nameProblem", () => {
  it("wants 1 to 120 characters", () => {
    expect(nameProblem("  ")).toBe("required");
    expect(nameProblem("x".repeat(121))).toBe("tooLong");
    expect(nameProblem(` ${"x".repeat(120)} `)).toBeNull();
  });
});

describe("refusalOf", () => {
  it("places the name, the rules' paths and any other field", () => {
    expect(
      refusalOf({
        message: "name: a name of 1 to 120 characters; root.conditions.1.value: must be a number; version: must be 1",
        fields: [
          { field: "name", message: "a name of 1 to 120 characters" },
          { field: "root.conditions.1.value", message: "must be a number" },
          { field: "version", message: "must be 1" },
          { field: "description", message: "too long" },
        ],
      }),
    ).toEqual({
      name: "a name of 1 to 120 characters",
      definition: [
        { field: "root.conditions.1.value", message: "must be a number" },
        { field: "version", message: "must be 1" },
      ],
      general: ["description: too long"],
    });
  });

  it("puts a refusal without fields above the form", () => {
    expect(refusalOf({ message: "An archived segment cannot be edited" })).toEqual({
      name: null,
      definition: [],
      general: ["An archived segment cannot be edited"],
    });
  });
});
