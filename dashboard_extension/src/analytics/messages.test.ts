/** Every message id the analytics screens build at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import { mergeCatalogues, type Messages } from "../i18n/catalogues";
import overviewFixture from "./fixtures/overview.json";
import journeyFixture from "./fixtures/journey.json";
import { PRESETS } from "./date-range";
import { journeyKpiCards, kpiCards } from "./kpis";
import { FUNNEL_STEPS } from "./series";
import type { AnalyticsOverview, JourneyAnalytics } from "./types";
import { abBadge, holdoutBadge } from "./verdicts";

const catalogues = mergeCatalogues(import.meta.glob<Messages>("../i18n/*/*.json", { eager: true, import: "default" }));
const overview = overviewFixture as AnalyticsOverview;
const journey = journeyFixture as JourneyAnalytics;

const built = [
  ...[...kpiCards(overview), ...journeyKpiCards(journey.funnel, journey.previous)].flatMap((card) => [
    `analytics.card.${card.id}`,
    ...card.values.map((value) => `analytics.kpi.${value.key}`),
  ]),
  ...[...PRESETS, "custom"].map((preset) => `analytics.range.${preset}`),
  ...["invalidFrom", "invalidTo", "reversed", "tooLong"].map((problem) => `analytics.range.problem.${problem}`),
  ...[...FUNNEL_STEPS, "entered", "revenue"].map((key) => `analytics.funnel.${key}`),
  ...["better", "worse", "no_evidence", "too_few", "no_holdout", "other"].map((verdict) => holdoutBadge(verdict).messageId),
  ...["winner", "no_winner_yet", "too_few", "other"].map((verdict) => abBadge(verdict).messageId),
  ...["treated", "holdout"].map((group) => `analytics.holdout.${group}`),
  ...["click", "conversion"].flatMap((metric) => [`analytics.ab.metric.${metric}`, `analytics.node.metric.${metric}`]),
];

describe("the analytics messages", () => {
  it.each(["en", "de"] as const)("built at run time exist in %s", (locale) => {
    expect(built.filter((id) => !(id in catalogues[locale]))).toEqual([]);
  });

  it("are the same ids in English and German", () => {
    const ids = (locale: "en" | "de") => Object.keys(catalogues[locale]).filter((id) => id.startsWith("analytics.")).sort();

    expect(ids("de")).toEqual(ids("en"));
  });
});
