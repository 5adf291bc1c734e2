import { describe, expect, it } from "vitest";

import { draftOf, fieldMessages, isDirty, mergedErrors, saveState } from "./editor";

const saved = { subject: "Hi", preheader: "", mjml: "<mjml><mj-body></mj-body></mjml>" };

describe("draftOf and isDirty", () => {
  it("starts from the saved version and sees any change", () => {
    const draft = draftOf({ ...saved, id: "v1", number: 1 } as typeof saved);

    expect(draft).toEqual(saved);
    expect(isDirty(draft, saved)).toBe(false);
    expect(isDirty({ ...draft, subject: "Hi!" }, saved)).toBe(true);
    expect(isDirty({ ...draft, preheader: " " }, saved)).toBe(true);
    expect(isDirty({ ...draft, mjml: `${saved.mjml}\n` }, saved)).toBe(true);
  });
});

describe("saveState", () => {
  const draft = { ...saved, subject: "Hello" };

  it("is unchanged while the draft is the saved version", () => {
    expect(saveState({ draft: saved, saved, checked: saved, errors: [] })).toBe("unchanged");
  });

  it("waits for the draft as typed to be validated", () => {
    expect(saveState({ draft, saved, checked: null, errors: undefined })).toBe("checking");
    expect(saveState({ draft, saved, checked: saved, errors: [] })).toBe("checking");
    expect(saveState({ draft, saved, checked: draft, errors: undefined })).toBe("checking");
  });

  it("is invalid with errors, ready without", () => {
    expect(saveState({ draft, saved, checked: { ...draft }, errors: [{ code: "x" }] })).toBe("invalid");
    expect(saveState({ draft, saved, checked: { ...draft }, errors: [] })).toBe("ready");
  });
});

describe("mergedErrors and fieldMessages", () => {
  type E = { stage: string; code: string; message: string; line: number | null; column: number | null; field: string };
  const tag: E = { stage: "mjml", code: "unknown_tag", message: "<mj-bogus> is not an MJML tag", line: 4, column: 1, field: "mjml" };
  const subject: E = { stage: "template", code: "syntax", message: "unexpected end of template", line: 1, column: null, field: "subject" };
  const render: E = { stage: "render", code: "undefined", message: "'contact.points' is undefined", line: null, column: null, field: "mjml" };

  it("lists each error once, in the order first reported", () => {
    expect(mergedErrors([tag, subject], undefined, [{ ...tag }, render])).toEqual([tag, subject, render]);
    expect(mergedErrors(undefined, undefined)).toEqual([]);
  });

  it("picks a field's messages", () => {
    expect(fieldMessages([tag, subject, render], "subject")).toEqual(["unexpected end of template"]);
    expect(fieldMessages([tag, subject, render], "preheader")).toEqual([]);
  });
});
