import { describe, expect, it } from "vitest";

import {
  cellValue,
  columnTarget,
  importBlockers,
  MAX_FILE_BYTES,
  type Preview,
  previewCells,
  progressPercent,
  resultCounts,
  rowErrorsFileName,
  rowLevelErrors,
} from "./preview";

const CONSENTS: Preview = {
  kind: "consents",
  delimiter: ";",
  columns: [
    { header: "Email", field: "email", attribute: null },
    { header: "Status", field: "status", attribute: null },
    { header: "OPTIN_TIME", field: null, attribute: null },
  ],
  rows: [
    { row: 2, values: { email: "a@example.com", granted: true, channel: "email" }, attributes: {}, errors: [] },
    {
      row: 3,
      values: { email: "b@example.com", granted: false, channel: "email" },
      attributes: {},
      errors: [
        { column: "Status", message: "Use subscribed or unsubscribed" },
        { column: "date", message: "The date of consent is missing" },
      ],
    },
  ],
  total: 2,
  valid: 1,
  invalid: 1,
  errors: [],
  errorCount: 2,
};

describe("columns", () => {
  it("go to a field, a custom attribute or nowhere", () => {
    expect(columnTarget({ header: "Email", field: "email", attribute: null })).toEqual({ type: "field", field: "email" });
    expect(columnTarget({ header: "Tier", field: null, attribute: "Tier" })).toEqual({ type: "attribute", key: "Tier" });
    expect(columnTarget({ header: "OPTIN_TIME", field: null, attribute: null })).toEqual({ type: "ignored" });
  });

  it("show a consent's status in the file's words and an attribute's value", () => {
    const row = { row: 2, values: { granted: false }, attributes: { Tier: "gold" }, errors: [] };
    expect(cellValue({ header: "Status", field: "status", attribute: null }, row)).toBe("unsubscribed");
    expect(cellValue({ header: "Tier", field: null, attribute: "Tier" }, row)).toBe("gold");
    expect(cellValue({ header: "x", field: null, attribute: null }, row)).toBe("");
  });
});

describe("previewCells", () => {
  it("puts each error in the cell of its column, and the rest in the row", () => {
    expect(previewCells(CONSENTS, CONSENTS.rows[1]!)).toEqual([
      { header: "Email", value: "b@example.com", error: null },
      { header: "Status", value: "", error: "Use subscribed or unsubscribed" },
      { header: "OPTIN_TIME", value: "", error: null },
    ]);
    expect(rowLevelErrors(CONSENTS, CONSENTS.rows[1]!)).toEqual(["date: The date of consent is missing"]);
    expect(previewCells(CONSENTS, CONSENTS.rows[0]!).map((cell) => cell.value)).toEqual(["a@example.com", "subscribed", ""]);
  });
});

describe("importBlockers", () => {
  const file = { size: 1000 };

  it("asks for a file, its preview, a valid row and, for consents, a source", () => {
    expect(importBlockers({ kind: "contacts", file: null, preview: null, source: "" })).toEqual(["noFile"]);
    expect(importBlockers({ kind: "consents", file, preview: null, source: " " })).toEqual(["noPreview", "sourceMissing"]);
    expect(importBlockers({ kind: "contacts", file, preview: CONSENTS, source: "" })).toEqual(["noPreview"]);
    expect(importBlockers({ kind: "consents", file, preview: { ...CONSENTS, valid: 0 }, source: "Mailchimp" })).toEqual(["noValidRows"]);
    expect(importBlockers({ kind: "consents", file, preview: CONSENTS, source: "x".repeat(201) })).toEqual(["sourceTooLong"]);
    expect(importBlockers({ kind: "consents", file, preview: CONSENTS, source: "Mailchimp export 2026-11" })).toEqual([]);
  });

  it("refuses a file over 20 MB before it is sent", () => {
    expect(importBlockers({ kind: "suppressions", file: { size: MAX_FILE_BYTES + 1 }, preview: null, source: "" })).toEqual(["tooLarge"]);
  });
});

describe("an import", () => {
  it("shows its progress in whole percent", () => {
    expect(progressPercent({ status: "QUEUED", done: 0, total: 3 })).toBe(0);
    expect(progressPercent({ status: "RUNNING", done: 2, total: 3 })).toBe(66);
    expect(progressPercent({ status: "DONE", done: 3, total: 3 })).toBe(100);
    expect(progressPercent({ status: "FAILED", done: 0, total: 0 })).toBe(0);
  });

  it("counts what its kind changes", () => {
    expect(resultCounts("contacts")).toEqual(["created", "updated", "unchanged", "skipped"]);
    expect(resultCounts("suppressions")).toEqual(["created", "unchanged", "skipped"]);
  });

  it("names the file of its skipped rows after the imported one", () => {
    expect(rowErrorsFileName({ fileName: "Mailchimp Export.CSV" })).toBe("Mailchimp-Export-skipped-rows.csv");
    expect(rowErrorsFileName({ fileName: "" })).toBe("import-skipped-rows.csv");
  });
});
