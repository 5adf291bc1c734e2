import { describe, expect, it } from "vitest";

import { apiFieldErrors, isTextDirty, segmentCapacity, segmentSummary, textDraftOf, textProblems, textVersionInput } from "./text-editor";

const saved = textDraftOf({ subject: "Sale", text: "20% off today", pushUrl: "https://shop.test/sale" });

describe("textDraftOf and isTextDirty", () => {
  it("takes the title from the subject and the link from pushUrl", () => {
    expect(saved).toEqual({ title: "Sale", text: "20% off today", url: "https://shop.test/sale" });
  });

  it("sees a changed text on both channels, a title or link only on push", () => {
    expect(isTextDirty(saved, saved, "push")).toBe(false);
    expect(isTextDirty({ ...saved, text: "30% off" }, saved, "sms")).toBe(true);
    expect(isTextDirty({ ...saved, title: "Sale!" }, saved, "push")).toBe(true);
    expect(isTextDirty({ ...saved, url: "" }, saved, "push")).toBe(true);
    expect(isTextDirty({ ...saved, title: "Sale!" }, saved, "sms")).toBe(false);
  });
});

describe("textProblems", () => {
  it("wants a text on SMS, and nothing else", () => {
    expect(textProblems("sms", { title: "", text: "  ", url: "nonsense" })).toEqual({ text: "templates.problem.textRequired" });
    expect(textProblems("sms", { title: "", text: "Hi", url: "" })).toEqual({});
  });

  it("wants a title and text on push, and a link that is absolute or a variable", () => {
    expect(textProblems("push", { title: " ", text: "", url: "shop.test/sale" })).toEqual({
      title: "templates.problem.titleRequired",
      text: "templates.problem.textRequired",
      url: "templates.problem.urlInvalid",
    });
    for (const url of ["", "https://shop.test/a", "HTTP://shop.test", "{{ shop.url }}/sale", "{% if checkout %}x{% endif %}"]) {
      expect(textProblems("push", { title: "T", text: "x", url })).toEqual({});
    }
    expect(textProblems("push", { title: "T", text: "x", url: "ftp://shop.test" })).toEqual({ url: "templates.problem.urlInvalid" });
  });
});

describe("textVersionInput", () => {
  it("sends an SMS's text only and a push's trimmed title and link", () => {
    expect(textVersionInput("sms", { title: "T", text: " Hi ", url: "https://x.test" })).toEqual({ title: "", text: " Hi ", url: "" });
    expect(textVersionInput("push", { title: " T ", text: "Hi", url: " https://x.test " })).toEqual({ title: "T", text: "Hi", url: "https://x.test" });
  });
});

describe("segments", () => {
  it("holds 160 GSM-7 or 70 UCS-2 characters in one message, 153 or 67 in each part of a longer one", () => {
    expect([segmentCapacity("GSM-7", 1), segmentCapacity("GSM-7", 2), segmentCapacity("UCS-2", 1), segmentCapacity("UCS-2", 3)]).toEqual([160, 153, 70, 67]);
  });

  it("summarises the API's count", () => {
    expect(segmentSummary({ encoding: "GSM-7", count: 2, units: 161 })).toEqual({
      id: "templates.sms.segments",
      values: { encoding: "GSM-7", units: 161, count: 2, capacity: 153 },
    });
    expect(segmentSummary({ encoding: "GSM-7", count: 0, units: 0 }).id).toBe("templates.sms.segments.empty");
  });
});

describe("apiFieldErrors", () => {
  it("puts the API's text, subject and push_url errors at the text, title and link", () => {
    expect(
      apiFieldErrors([
        { field: "text", message: "unexpected end of template", line: 2 },
        { field: "subject", message: "A title is needed", line: null },
        { field: "push_url", message: "The URL is absolute or a variable", line: null },
        { field: "text", message: "The message has no text", line: null },
      ]),
    ).toEqual({
      text: [
        { message: "unexpected end of template", line: 2 },
        { message: "The message has no text", line: null },
      ],
      title: [{ message: "A title is needed", line: null }],
      url: [{ message: "The URL is absolute or a variable", line: null }],
    });
    expect(apiFieldErrors([])).toEqual({});
  });
});
