/**
 * The plain-language sentence under a holdout's or an A/B test's verdict, built from the API's
 * structured fields in the user's language (the API's own `message` is English only and is not
 * read). Each verdict has its message id; a test's metric has its own ids, so a language can
 * word clicks and conversions as it needs. Counts are passed as numbers (the messages pluralise
 * and format them); rates and points through the formatters given, so this module stays pure.
 */
import { intlLocale } from "../lib/format";
import type { AppLocale } from "../lib/locale";
import { formatRate } from "./figures";
import type { AbTestResult, HoldoutResult } from "./types";
import { deciding, winnerOf } from "./verdicts";

/** What a comparison needs before it is made, as `analytics/stats.py` (MIN_GROUP, MIN_SUCCESSES). */
export const MIN_GROUP = 30;
export const MIN_SUCCESSES = 5;

export type Sentence = { id: string; values: Record<string, string | number> };

export type SentenceFormats = {
  /** 0.267 -> "26.7%" */
  rate: (value: number) => string;
  /** A difference of rates in points, signed only when negative (0.057 -> "5.7", -0.032 -> "-3.2"). */
  points: (value: number) => string;
};

/** The formats of the user's language (the points as the API wrote them: one decimal, no plus sign). */
export const sentenceFormats = (locale: AppLocale): SentenceFormats => {
  const points = new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return { rate: (value) => formatRate(value, locale), points: (value) => points.format(value * 100) };
};

const OTHER_HOLDOUT: Sentence = { id: "analytics.holdout.sentence.other", values: {} };
const OTHER_AB: Sentence = { id: "analytics.ab.sentence.other", values: {} };

export const holdoutSentence = (holdout: HoldoutResult, f: SentenceFormats): Sentence => {
  const { treated, holdout: held, lift, liftLow: low, liftHigh: high } = holdout;
  const rates = { treated: f.rate(treated.rate), held: f.rate(held.rate) };
  switch (holdout.verdict) {
    case "no_holdout":
      return { id: "analytics.holdout.sentence.no_holdout", values: {} };
    case "too_few":
      return {
        id: "analytics.holdout.sentence.too_few",
        values: {
          treated: treated.recipients,
          held: held.recipients,
          conversions: treated.converted + held.converted,
          minGroup: MIN_GROUP,
          minConversions: MIN_SUCCESSES,
        },
      };
    case "better":
      if (lift === null || low === null || high === null) return OTHER_HOLDOUT;
      return { id: "analytics.holdout.sentence.better", values: { ...rates, lift: f.points(lift), low: f.points(low), high: f.points(high) } };
    case "worse":
      if (lift === null) return OTHER_HOLDOUT;
      return { id: "analytics.holdout.sentence.worse", values: { ...rates, lift: f.points(-lift) } };
    case "no_evidence":
      if (low === null || high === null) return OTHER_HOLDOUT;
      return { id: "analytics.holdout.sentence.no_evidence", values: { ...rates, low: f.points(low), high: f.points(high) } };
    default:
      return OTHER_HOLDOUT;
  }
};

/** The metric's part of a message id: the API decides by conversions unless it says clicks. */
export const metricKey = (metric: string): "click" | "conversion" => (metric === "click" ? "click" : "conversion");

export const abSentence = (test: AbTestResult, f: SentenceFormats): Sentence => {
  const metric = metricKey(test.metric);
  switch (test.verdict) {
    case "too_few":
      return { id: `analytics.ab.sentence.too_few.${metric}`, values: { minGroup: MIN_GROUP, minConversions: MIN_SUCCESSES } };
    case "no_winner_yet":
      return { id: `analytics.ab.sentence.no_winner_yet.${metric}`, values: {} };
    case "winner": {
      const winner = winnerOf(test);
      if (!winner) return OTHER_AB;
      return { id: `analytics.ab.sentence.winner.${metric}`, values: { label: winner.label, rate: f.rate(deciding(test, winner)) } };
    }
    default:
      return OTHER_AB;
  }
};

/** Every message id these sentences can take (for the catalogue checks). */
export const SENTENCE_IDS: readonly string[] = [
  ...["no_holdout", "too_few", "better", "worse", "no_evidence", "other"].map((v) => `analytics.holdout.sentence.${v}`),
  ...["too_few", "no_winner_yet", "winner"].flatMap((v) => [`analytics.ab.sentence.${v}.click`, `analytics.ab.sentence.${v}.conversion`]),
  "analytics.ab.sentence.other",
];
