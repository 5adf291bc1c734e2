import { describe, expect, it } from "vitest";

import { locationOf, newLanguageProblem, normalLanguage, shownLanguage, sortedErrors, testAddressProblem } from "./detail";

describe("shownLanguage", () => {
  const template = { languages: ["de", "en"], defaultLanguage: "en" };

  it("shows the asked language when the template has it, else the default, else the first", () => {
    expect(shownLanguage(template, "de")).toBe("de");
    expect(shownLanguage(template, "fr")).toBe("en");
    expect(shownLanguage(template, null)).toBe("en");
    expect(shownLanguage({ languages: ["de"], defaultLanguage: "en" }, null)).toBe("de");
    expect(shownLanguage({ languages: [], defaultLanguage: "en" }, "de")).toBe("en");
  });
});

describe("testAddressProblem", () => {
  it("wants an address", () => {
    expect(["", "  ", "ada", "ada@shop", "ada @shop.test", " ada@shop.test "].map(testAddressProblem)).toEqual([
      "templates.test.problem.required",
      "templates.test.problem.required",
      "templates.test.problem.invalid",
      "templates.test.problem.invalid",
      "templates.test.problem.invalid",
      null,
    ]);
  });
});

describe("errors", () => {
  it("say where they are", () => {
    expect(locationOf({ line: 3, column: 7 })).toEqual({ id: "templates.error.atLineColumn", values: { line: 3, column: 7 } });
    expect(locationOf({ line: 3, column: null })).toEqual({ id: "templates.error.atLine", values: { line: 3 } });
    expect(locationOf({ line: null, column: null })).toBeNull();
  });

  it("are listed by field, line and column", () => {
    const errors = [
      { field: "mjml", line: 9, column: 2, code: "c" },
      { field: "mjml", line: 3, column: 7, code: "b" },
      { field: "mjml", line: null, column: null, code: "a" },
      { field: "subject", line: 1, column: 4, code: "s" },
      { field: "preheader", line: null, column: null, code: "p" },
    ];

    expect(sortedErrors(errors).map((error) => error.code)).toEqual(["s", "p", "a", "b", "c"]);
  });
});

describe("newLanguageProblem", () => {
  it("wants a code such as fr or pt-br the template does not have yet", () => {
    expect(["", " ", "f", "french", "fr-", "de", " EN "].map((typed) => newLanguageProblem(typed, ["de", "en"]))).toEqual([
      "templates.language.problem.required",
      "templates.language.problem.required",
      "templates.language.problem.invalid",
      "templates.language.problem.invalid",
      "templates.language.problem.invalid",
      "templates.language.problem.exists",
      "templates.language.problem.exists",
    ]);
    expect(["fr", "pt-br", "PT_BR", "gsw"].map((typed) => newLanguageProblem(typed, ["de"]))).toEqual([null, null, null, null]);
    expect(normalLanguage(" PT_BR ")).toBe("pt-br");
  });
});
