import { describe, expect, it } from "vitest";

import { groupByChannel, kindMessageId, latestPerLanguage, type TemplateRow, versionsOf } from "./list";

const row = (id: string, name: string, channel: string): TemplateRow => ({
  id,
  key: name.toLowerCase(),
  name,
  description: "",
  kind: "marketing",
  channel,
  isBuiltin: false,
  defaultLanguage: "en",
  languages: ["en"],
  versions: [],
});

describe("groupByChannel", () => {
  it("keeps every channel in order, names sorted, other channels out", () => {
    const groups = groupByChannel([row("1", "Welcome", "email"), row("2", "Abandoned", "email"), row("3", "Ping", "push"), row("4", "Fax", "fax")]);

    expect(groups.map((group) => [group.channel, group.templates.map((t) => t.id)])).toEqual([
      ["email", ["2", "1"]],
      ["sms", []],
      ["push", ["3"]],
    ]);
  });
});

describe("versions", () => {
  const versions = [
    { language: "en", number: 1, createdAt: "2026-11-01T10:00:00Z" },
    { language: "de", number: 2, createdAt: "2026-11-03T10:00:00Z" },
    { language: "en", number: 3, createdAt: "2026-11-04T10:00:00Z" },
    { language: "de", number: 1, createdAt: "2026-11-02T10:00:00Z" },
    { language: "en", number: 2, createdAt: "2026-11-02T11:00:00Z" },
  ];

  it("takes each language's newest, the default language first", () => {
    expect(latestPerLanguage(versions, "en").map((v) => `${v.language}${v.number}`)).toEqual(["en3", "de2"]);
    expect(latestPerLanguage(versions, "de").map((v) => `${v.language}${v.number}`)).toEqual(["de2", "en3"]);
    expect(latestPerLanguage([], "en")).toEqual([]);
  });

  it("lists a language's versions newest first", () => {
    expect(versionsOf(versions, "en").map((v) => v.number)).toEqual([3, 2, 1]);
    expect(versionsOf(versions, "fr")).toEqual([]);
  });
});

describe("kindMessageId", () => {
  it("names the known kinds", () => {
    expect(["marketing", "transactional", "x"].map(kindMessageId)).toEqual([
      "templates.kind.marketing",
      "templates.kind.transactional",
      "templates.kind.other",
    ]);
  });
});
