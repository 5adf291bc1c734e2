import { describe, expect, it } from "vitest";

import { isMjmlError, type Marker, markersFor } from "./markers";

const doc = ["<mjml>", "  <mj-body>", "    <mj-bogus>x</mj-bogus>", "    {{ contact.first_name", "  </mj-body>", "</mjml>"].join("\n");
// line starts: 0, 7, 19, 46, 72, 85
const error = (line: number | null, column: number | null, extra: Partial<{ stage: string; field: string; message: string }> = {}) => ({
  stage: "mjml",
  message: "boom",
  field: "mjml",
  line,
  column,
  ...extra,
});

/** The one marker of a list. */
const one = (markers: Marker[]): Marker => {
  expect(markers).toHaveLength(1);
  return markers[0] as Marker;
};

describe("markersFor", () => {
  it("marks a tag from its line and column to its closing bracket", () => {
    const marker = one(markersFor(doc, [error(3, 5, { message: "<mj-bogus> is not an MJML tag" })]));

    expect(marker).toEqual({ from: 23, to: 33, severity: "error", source: "mjml", message: "<mj-bogus> is not an MJML tag" });
    expect(doc.slice(marker.from, marker.to)).toBe("<mj-bogus>");
  });

  it("marks a word at a column inside text, else one character", () => {
    const word = one(markersFor(doc, [error(4, 8, { stage: "template" })]));
    expect(doc.slice(word.from, word.to)).toBe("contact.first_name");
    expect(word.source).toBe("template");

    const brace = one(markersFor(doc, [error(4, 5)]));
    expect([brace.from, brace.to]).toEqual([50, 51]);
    expect(doc.slice(brace.from, brace.to)).toBe("{");
  });

  it("marks a whole line (from its first non-blank character) for an error with a line only", () => {
    const marker = one(markersFor(doc, [error(4, null, { stage: "template", message: "unexpected end of template" })]));

    expect([marker.from, marker.to]).toEqual([50, 71]);
    expect(doc.slice(marker.from, marker.to)).toBe("{{ contact.first_name");
  });

  it("clamps a line past the end to the last line and a column past a line's end to its end", () => {
    expect(markersFor(doc, [error(99, 1)])).toEqual([{ from: 85, to: 92, severity: "error", source: "mjml", message: "boom" }]);
    expect(markersFor(doc, [error(1, 40)])).toEqual([{ from: 6, to: 6, severity: "error", source: "mjml", message: "boom" }]);
    expect(markersFor(doc, [error(0, 0)])).toEqual([{ from: 0, to: 6, severity: "error", source: "mjml", message: "boom" }]);
    expect(markersFor("", [error(3, 2), error(2, null)])).toEqual([
      { from: 0, to: 0, severity: "error", source: "mjml", message: "boom" },
      { from: 0, to: 0, severity: "error", source: "mjml", message: "boom" },
    ]);
  });

  it("counts \\r\\n as one line break", () => {
    const crlf = "<mjml>\r\n<mj-x>\r\n</mjml>";
    const marker = one(markersFor(crlf, [error(2, 1)]));

    expect([marker.from, marker.to]).toEqual([8, 14]);
    expect(crlf.slice(marker.from, marker.to)).toBe("<mj-x>");
  });

  it("leaves out errors without a line and those of the subject or preheader, and sorts by place", () => {
    const markers = markersFor(doc, [
      error(3, 5),
      error(1, 1, { field: "subject" }),
      error(1, 1, { field: "preheader" }),
      error(null, null, { stage: "render" }),
      error(2, 3),
    ]);

    expect(markers.map(({ from, to }) => [from, to])).toEqual([
      [9, 18],
      [23, 33],
    ]);
  });
});

describe("isMjmlError", () => {
  it("is true for the MJML field only", () => {
    expect(["mjml", "subject", "preheader", "text"].map((field) => isMjmlError({ field }))).toEqual([true, false, false, false]);
  });
});
