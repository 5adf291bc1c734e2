import { createIntl } from "react-intl";
import { describe, expect, it } from "vitest";

import { mergeCatalogues, type Messages } from "../i18n/catalogues";
import { abSentence, holdoutSentence, metricKey, SENTENCE_IDS, type Sentence, sentenceFormats } from "./sentences";
import type { AbTestResult, AbVariant, HoldoutResult } from "./types";

const catalogues = mergeCatalogues(import.meta.glob<Messages>("../i18n/*/*.json", { eager: true, import: "default" }));
const say = (locale: "en" | "de", sentence: Sentence) =>
  createIntl({ locale, messages: catalogues[locale], onError: (error) => { throw error; } }).formatMessage({ id: sentence.id }, sentence.values);

const holdout = (verdict: string, lift: [number, number, number] | null = [0.2, 0.057, 0.343]): HoldoutResult => ({
  holdoutPercent: 20,
  treated: { recipients: 60, converted: 16, rate: 16 / 60, revenue: [] },
  holdout: { recipients: 30, converted: 2, rate: 2 / 30, revenue: [] },
  lift: lift?.[0] ?? null,
  liftLow: lift?.[1] ?? null,
  liftHigh: lift?.[2] ?? null,
  revenuePerRecipient: [],
  verdict,
});

const variant = (branch: number, label: string, clickRate: number, conversionRate: number): AbVariant => ({
  branch,
  label,
  recipients: 30,
  conversions: Math.round(conversionRate * 30),
  conversionRate,
  clicks: Math.round(clickRate * 30),
  clickRate,
  uplift: branch === 0 ? null : 0.1,
  pValue: branch === 0 ? null : 0.01,
  low: null,
  high: null,
});

const abTest = (verdict: string, metric: string, winner: number | null = null): AbTestResult => ({
  node: "split",
  kind: "split",
  metric,
  variants: [variant(0, "Branch A", 0.2, 0.1), variant(1, "Branch B", 0.4, 0.2)],
  winner,
  verdict,
});

const en = sentenceFormats("en");
const de = sentenceFormats("de");

describe("holdoutSentence", () => {
  it("better: the lift, both rates and the interval, as the API's English said it", () => {
    const sentence = holdoutSentence(holdout("better"), en);

    expect(sentence).toEqual({
      id: "analytics.holdout.sentence.better",
      values: { treated: "26.7%", held: "6.7%", lift: "20.0", low: "5.7", high: "34.3" },
    });
    expect(say("en", sentence)).toBe(
      "The journey works: its recipients converted 20.0 points more than the holdout (26.7% against 6.7%; 95% interval 5.7 to 34.3 points).",
    );
    expect(say("de", holdoutSentence(holdout("better"), de))).toBe(
      "Die Journey wirkt: Ihre Empfänger haben um 20,0 Prozentpunkte häufiger konvertiert als die Kontrollgruppe (26,7\u00a0% gegenüber 6,7\u00a0%; 95-%-Intervall 5,7 bis 34,3 Prozentpunkte).",
    );
  });

  it("worse: how many points less, without a sign", () => {
    const sentence = holdoutSentence(holdout("worse", [-0.12, -0.2, -0.04]), en);

    expect(sentence.values).toEqual({ treated: "26.7%", held: "6.7%", lift: "12.0" });
    expect(say("en", sentence)).toBe("The journey does harm: its recipients converted 12.0 points less than the holdout (26.7% against 6.7%).");
    expect(say("de", holdoutSentence(holdout("worse", [-0.12, -0.2, -0.04]), de))).toBe(
      "Die Journey schadet: Ihre Empfänger haben um 12,0 Prozentpunkte seltener konvertiert als die Kontrollgruppe (26,7\u00a0% gegenüber 6,7\u00a0%).",
    );
  });

  it("no evidence: the interval across zero, its low end negative", () => {
    const sentence = holdoutSentence(holdout("no_evidence", [0.03, -0.032, 0.092]), en);

    expect(say("en", sentence)).toBe(
      "No evidence yet that the journey makes a difference: 26.7% against 6.7% for the holdout; the 95% interval of the lift (-3.2 to 9.2 points) includes zero.",
    );
    expect(say("de", holdoutSentence(holdout("no_evidence", [0.03, -0.032, 0.092]), de))).toBe(
      "Noch kein Nachweis, dass die Journey etwas bewirkt: 26,7\u00a0% gegenüber 6,7\u00a0% in der Kontrollgruppe; das 95-%-Intervall des Zuwachses (-3,2 bis 9,2 Prozentpunkte) schließt null ein.",
    );
  });

  it("too few: the counts so far and what a comparison needs", () => {
    const sentence = holdoutSentence(holdout("too_few", null), en);

    expect(sentence).toEqual({
      id: "analytics.holdout.sentence.too_few",
      values: { treated: 60, held: 30, conversions: 18, minGroup: 30, minConversions: 5 },
    });
    expect(say("en", sentence)).toBe(
      "Too few runs to compare yet (60 treated, 30 held out, 18 conversions): wait for at least 30 in each group and 5 conversions.",
    );
    expect(say("de", sentence)).toBe(
      "Noch zu wenige Durchläufe für einen Vergleich (60 erhalten, 30 zurückgehalten, 18 Conversions): Nötig sind mindestens 30 in jeder Gruppe und 5 Conversions.",
    );
    expect(say("en", { ...sentence, values: { ...sentence.values, conversions: 1 } })).toContain("1 conversion)");
  });

  it("no holdout: nothing to compare with", () => {
    const sentence = holdoutSentence(holdout("no_holdout", null), en);

    expect(sentence).toEqual({ id: "analytics.holdout.sentence.no_holdout", values: {} });
    expect(say("de", sentence)).toBe("Diese Journey hat keine Kontrollgruppe: Es gibt nichts, womit ihre Empfänger verglichen werden könnten.");
  });

  it("an unknown verdict, or one without the figures it needs, is described as such", () => {
    expect(holdoutSentence(holdout("toString"), en).id).toBe("analytics.holdout.sentence.other");
    expect(holdoutSentence(holdout("better", null), en).id).toBe("analytics.holdout.sentence.other");
    expect(holdoutSentence(holdout("no_evidence", null), en).id).toBe("analytics.holdout.sentence.other");
  });
});

describe("abSentence", () => {
  it("winner: the winner's label and its rate of the deciding metric", () => {
    const byClicks = abSentence(abTest("winner", "click", 1), en);
    const byConversions = abSentence(abTest("winner", "conversion", 1), en);

    expect(byClicks).toEqual({ id: "analytics.ab.sentence.winner.click", values: { label: "Branch B", rate: "40.0%" } });
    expect(say("en", byClicks)).toBe("Branch B wins on click rate (40.0%), significant at 95%.");
    expect(say("en", byConversions)).toBe("Branch B wins on conversion rate (20.0%), significant at 95%.");
    expect(say("de", abSentence(abTest("winner", "click", 1), de))).toBe("Branch B gewinnt nach Klickrate (40,0\u00a0%), signifikant auf dem 95-%-Niveau.");
  });

  it("no winner yet, by the test's metric", () => {
    expect(say("en", abSentence(abTest("no_winner_yet", "conversion"), en))).toBe(
      "No winner yet: no variant's conversion rate differs significantly from another's.",
    );
    expect(say("de", abSentence(abTest("no_winner_yet", "click"), de))).toBe(
      "Noch kein Gewinner: Die Klickrate keiner Variante unterscheidet sich signifikant von der einer anderen.",
    );
  });

  it("too few: what each variant and all together need", () => {
    expect(say("en", abSentence(abTest("too_few", "click"), en))).toBe(
      "Too few recipients to compare yet: each variant needs 30 and all together 5 clicks.",
    );
    expect(say("de", abSentence(abTest("too_few", "conversion"), de))).toBe(
      "Noch zu wenige Empfänger für einen Vergleich: Jede Variante braucht 30 Empfänger und alle zusammen 5 Conversions.",
    );
  });

  it("an unknown verdict, or a winner the variants do not hold, is described as such", () => {
    expect(abSentence(abTest("constructor", "click"), en)).toEqual({ id: "analytics.ab.sentence.other", values: {} });
    expect(abSentence(abTest("winner", "click", 7), en).id).toBe("analytics.ab.sentence.other");
    expect(metricKey("anything else")).toBe("conversion");
  });
});

describe("the sentences' messages", () => {
  it.each(["en", "de"] as const)("all exist in %s", (locale) => {
    expect(SENTENCE_IDS.filter((id) => !(id in catalogues[locale]))).toEqual([]);
  });
});
