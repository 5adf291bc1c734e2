/** A survey's results as the screens show them: the chart's bars and the NPS groups. */

export type RatingCount = { rating: number; answers: number };

/** A 0-10 survey is a Net Promoter Score question. */
export const isNps = (scaleMin: number, scaleMax: number): boolean => scaleMin === 0 && scaleMax === 10;

export type NpsGroup = "promoter" | "passive" | "detractor";

/** The group of a 0-10 rating: 9-10 promoters, 7-8 passives, 0-6 detractors. */
export const npsGroupOf = (rating: number): NpsGroup => (rating >= 9 ? "promoter" : rating >= 7 ? "passive" : "detractor");

export type NpsBreakdown = Record<NpsGroup, { answers: number; percent: number }>;

/** Answers and share (percent, one place) per group; every share 0 without answers. */
export const npsBreakdown = (counts: RatingCount[]): NpsBreakdown => {
  const sums: Record<NpsGroup, number> = { promoter: 0, passive: 0, detractor: 0 };
  for (const { rating, answers } of counts) sums[npsGroupOf(rating)] += answers;
  const total = sums.promoter + sums.passive + sums.detractor;
  const share = (n: number) => (total === 0 ? 0 : Math.round((1000 * n) / total) / 10);
  return {
    promoter: { answers: sums.promoter, percent: share(sums.promoter) },
    passive: { answers: sums.passive, percent: share(sums.passive) },
    detractor: { answers: sums.detractor, percent: share(sums.detractor) },
  };
};

export type Bar = { rating: string; answers: number; group: NpsGroup | null };

/** One bar per rating of the scale, lowest first (the API lists every rating, zero included);
 * on a 0-10 survey each bar carries its NPS group for its colour. */
export const barsOf = (counts: RatingCount[], nps: boolean): Bar[] =>
  [...counts]
    .sort((a, b) => a.rating - b.rating)
    .map(({ rating, answers }) => ({ rating: String(rating), answers, group: nps ? npsGroupOf(rating) : null }));

/** An average (two places) or NPS (one place) in the admin's language; "–" for none. */
export const decimal = (value: number | null, places: number, locale: "en" | "de"): string =>
  value === null
    ? "–"
    : new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-US", { minimumFractionDigits: places, maximumFractionDigits: places }).format(value);
