/** Every message id the segments screens build at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import de from "../i18n/de/segments.json";
import en from "../i18n/en/segments.json";
import { statusMessageId } from "./list";

const built = [
  ...(["ACTIVE", "ARCHIVED"] as const).map(statusMessageId),
  ...["name", "key", "members", "trend", "status"].map((column) => `segments.list.column.${column}`),
  ...["contact", "entered", "exited"].map((column) => `segments.history.column.${column}`),
  ...["required", "tooLong"].map((problem) => `segments.name.${problem}`),
];

describe("segments messages", () => {
  it("has every built id in English and German", () => {
    expect(built.filter((id) => !(id in en))).toEqual([]);
    expect(built.filter((id) => !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
