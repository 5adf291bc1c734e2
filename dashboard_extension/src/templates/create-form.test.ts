import { describe, expect, it } from "vitest";

import { createFields, createInput, EMPTY_CREATE_FORM, nameCheck, refusalField } from "./create-form";

describe("createInput", () => {
  it("starts from a starter, the kind left to it", () => {
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "  Order confirmation ", starter: "order-confirmation" })).toEqual({
      ok: true,
      input: { name: "Order confirmation", start: { starter: "order-confirmation" } },
    });
  });

  it("copies a template with a chosen kind", () => {
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "Copy", start: "copy", copyOf: "VGVtcGxhdGU6Mw==", kind: "transactional" })).toEqual({
      ok: true,
      input: { name: "Copy", kind: "transactional", start: { copyOf: "VGVtcGxhdGU6Mw==" } },
    });
  });

  it("sends a blank template's subject and preheader, and only a blank one's", () => {
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "News", start: "blank", subject: "Hi {{ contact.first_name }}", preheader: "Read on" })).toEqual({
      ok: true,
      input: { name: "News", start: { blank: true }, subject: "Hi {{ contact.first_name }}", preheader: "Read on" },
    });
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "News", start: "blank", subject: "Hi" })).toEqual({
      ok: true,
      input: { name: "News", start: { blank: true }, subject: "Hi" },
    });
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "News", starter: "newsletter", subject: "ignored" })).toEqual({
      ok: true,
      input: { name: "News", start: { starter: "newsletter" } },
    });
  });

  it("names each missing field and sends nothing", () => {
    expect(createInput(EMPTY_CREATE_FORM)).toEqual({
      ok: false,
      problems: { name: "templates.problem.nameRequired", starter: "templates.problem.starterRequired" },
    });
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "x".repeat(121), start: "copy" })).toEqual({
      ok: false,
      problems: { name: "templates.problem.nameTooLong", copyOf: "templates.problem.copyOfRequired" },
    });
    expect(createInput({ ...EMPTY_CREATE_FORM, name: "x".repeat(120), start: "blank", subject: "  " })).toEqual({
      ok: false,
      problems: { subject: "templates.problem.subjectRequired" },
    });
  });
});

describe("refusals", () => {
  it("land on the field shown", () => {
    expect(refusalField("INVALID_NAME", createFields("starter"))).toBe("name");
    expect(refusalField("KEY_TAKEN", createFields("blank"))).toBe("name");
    expect(refusalField("UNKNOWN_STARTER", createFields("starter"))).toBe("starter");
    expect(refusalField("WRONG_CHANNEL", createFields("copy"))).toBe("copyOf");
    expect(refusalField("INVALID_TEMPLATE", createFields("blank"))).toBe("subject");
    expect(refusalField("INVALID_DESCRIPTION", ["name", "description"])).toBe("description");
  });

  it("go above the form when no field shown is theirs", () => {
    expect(refusalField("INVALID_TEMPLATE", createFields("starter"))).toBeNull();
    expect(refusalField("UNAVAILABLE", createFields("starter"))).toBeNull();
  });

  it("lists each start's fields", () => {
    expect(createFields("blank")).toEqual(["name", "kind", "start", "subject", "preheader"]);
    expect(createFields("copy")).toEqual(["name", "kind", "start", "copyOf"]);
  });
});

describe("nameCheck", () => {
  it("wants 1 to 120 characters", () => {
    expect([nameCheck(""), nameCheck(" "), nameCheck("a"), nameCheck("a".repeat(121))]).toEqual([
      "templates.problem.nameRequired",
      "templates.problem.nameRequired",
      null,
      "templates.problem.nameTooLong",
    ]);
  });
});
