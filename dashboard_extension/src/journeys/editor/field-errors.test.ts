import { describe, expect, it } from "vitest";

import { fieldError, innerErrors } from "./field-errors";

const problems = [
  { field: "template", text: "required" },
  { field: "subject_variants.1", text: "a subject with words in it" },
  { field: "subject_variants.1", text: "subject variant 2: unexpected end of template" },
  { field: "subject_variants.1", text: "a subject with words in it" },
  { field: "subject_variants", text: "2 to 4 subjects, or none" },
  { field: "subject_variantsX", text: "not this field" },
];

describe("a field's problems", () => {
  it("the first one at the field or inside it", () => {
    expect(fieldError(problems, "template")).toBe("required");
    expect(fieldError(problems, "subject_variants")).toBe("a subject with words in it");
    expect(fieldError(problems, "url")).toBeUndefined();
  });

  it("each at its place inside the field, several at one place joined once each", () => {
    expect(innerErrors(problems, "subject_variants")).toEqual(
      new Map([
        ["1", "a subject with words in it; subject variant 2: unexpected end of template"],
        ["", "2 to 4 subjects, or none"],
      ]),
    );
    expect(innerErrors([{ field: "test.share_percent", text: "5 to 50" }], "test")).toEqual(new Map([["share_percent", "5 to 50"]]));
    expect(innerErrors(problems, "url")).toEqual(new Map());
  });
});
