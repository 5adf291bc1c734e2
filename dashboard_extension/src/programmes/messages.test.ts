/** Every message id the surveys and draws screens name or build exists in both languages, and
 * every message formats (ICU) with the values the screens pass. */
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";

import de from "../i18n/de/programmes.json";
import en from "../i18n/en/programmes.json";
import { NPS_GROUPS } from "../journeys/editor/programme-triggers";
import { checkDraw, checkSurveyCreate, EMPTY_DRAW, EMPTY_SURVEY, SCALES, seedProblem } from "./forms";

const sources = import.meta.glob<string>(["./*.tsx", "./*.ts", "!./*.test.ts", "../pages/programmes-page.tsx", "../shell/page-layout.tsx", "../journeys/editor/programme-*.ts*", "!../journeys/editor/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const literal = Object.values(sources).flatMap((source) => [...source.matchAll(/"(programmes\.[\w.-]+)"/g)].map((m) => m[1] as string));

const NOW = Date.parse("2026-12-05T11:00:00Z");
const problems = [
  checkSurveyCreate({ ...EMPTY_SURVEY, key: "-", question: "q".repeat(301) }),
  checkSurveyCreate({ ...EMPTY_SURVEY, name: "n".repeat(121), scale: "2-7" as never }),
  checkDraw({ ...EMPTY_DRAW, prize: "p".repeat(301), winners: "0", closesAt: "2026-02-30T10:00" }, { creating: true, nowMs: NOW }),
  checkDraw({ ...EMPTY_DRAW, closesAt: "2020-01-01T10:00" }, { creating: true, nowMs: NOW }),
].flatMap((checked) => (checked.ok ? [] : Object.values(checked.problems)));

const built = [
  ...problems,
  seedProblem("s".repeat(129)) as string,
  ...SCALES.map((scale) => `programmes.scale.${scale}`),
  ...["name", "scale", "answers", "average", "nps", "status"].map((key) => `programmes.surveys.column.${key}`),
  ...["name", "prize", "winners", "closes", "entries", "status"].map((key) => `programmes.draws.column.${key}`),
  ...["rating", "comment", "contact", "answered"].map((key) => `programmes.results.column.${key}`),
  ...["promoter", "passive", "detractor"].map((group) => `programmes.results.group.${group}`),
  ...["rank", "email", "contact"].map((key) => `programmes.draw.column.${key}`),
  ...["any", ...NPS_GROUPS].map((group) => `programmes.editor.npsGroup.${group}`),
];

const VALUES = { name: "N", key: "nps", seed: "s", winners: 2, entries: 5, count: 2, answers: 3, percent: "50.0" };

describe("programmes messages", () => {
  it("names and builds ids both languages have", () => {
    expect(literal.length).toBeGreaterThan(70);
    expect(new Set(problems).size).toBe(10);
    const ids = [...new Set([...literal, ...built])];
    expect(ids.filter((id) => !(id in en))).toEqual([]);
    expect(ids.filter((id) => !(id in de))).toEqual([]);
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it("format in both languages", () => {
    const format = (text: string, locale: string) => String(new IntlMessageFormat(text, locale).format(VALUES));
    expect(format(en["programmes.survey.linkHelp"], "en")).toBe("In a template, each rating is a link: {{ links.survey }}/nps?score=N, N being the rating.");
    expect(format(de["programmes.draw.runText"], "de")).toBe(
      "2 Gewinner aus 5 Teilnahmen. Danach nimmt das Gewinnspiel keine Teilnahmen mehr an, und jeder Gewinner erhält ein Ereignis draw.won.",
    );
    for (const [locale, catalogue] of [["en", en], ["de", de]] as const) {
      for (const text of Object.values(catalogue)) expect(() => format(text, locale)).not.toThrow();
    }
  });
});
