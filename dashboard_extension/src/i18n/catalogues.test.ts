import { describe, expect, it } from "vitest";

import { type Messages, mergeCatalogues, missingIds, parseCataloguePath } from "./catalogues";

const files = import.meta.glob<Messages>("./*/*.json", { eager: true, import: "default" });

describe("the app's catalogues", () => {
  it("exist for both languages", () => {
    const areas = (locale: string) =>
      Object.keys(files)
        .map(parseCataloguePath)
        .filter((parsed) => parsed?.locale === locale)
        .map((parsed) => parsed?.area)
        .sort();

    expect(areas("en").length).toBeGreaterThan(0);
    expect(areas("de")).toEqual(areas("en"));
  });

  it("have every message id in English and German, no id in two areas", () => {
    expect(missingIds(mergeCatalogues(files))).toEqual({ en: [], de: [] });
  });

  it("have no empty message", () => {
    const catalogues = mergeCatalogues(files);
    const empty = Object.entries({ ...catalogues.en, ...catalogues.de }).filter(([, text]) => !text.trim());

    expect(empty).toEqual([]);
  });
});

describe("mergeCatalogues", () => {
  it("merges the areas of a language", () => {
    expect(
      mergeCatalogues({
        "./en/a.json": { "a.one": "One" },
        "./en/b.json": { "b.two": "Two" },
        "./de/a.json": { "a.one": "Eins" },
      }),
    ).toEqual({ en: { "a.one": "One", "b.two": "Two" }, de: { "a.one": "Eins" } });
  });

  it("refuses an id in two areas of one language", () => {
    expect(() => mergeCatalogues({ "./en/a.json": { x: "1" }, "./en/b.json": { x: "2" } })).toThrow(
      "Message id x is in both ./en/a.json and ./en/b.json",
    );
  });

  it("refuses a catalogue of a language the app does not have", () => {
    expect(() => mergeCatalogues({ "./fr/a.json": { x: "1" } })).toThrow("./fr/a.json is not a catalogue");
  });
});

describe("missingIds", () => {
  it("names the ids each language lacks", () => {
    expect(missingIds({ en: { a: "A", b: "B" }, de: { b: "B", c: "C" } })).toEqual({ en: ["c"], de: ["a"] });
  });
});
