/**
 * The profile card's reading of a contact's learned channel preference (graphql
 * `Contact.channelPreference`): the channel, and the last 90 days' engagement as phrases the
 * card words in the admin's language ("clicked 4 emails and 1 SMS, opened 6 emails").
 */
export type Channel = "email" | "sms" | "push";
export type ChannelTally = { channel: Channel; opens: number; clicks: number; replies: number };
export type ChannelPreference = {
  channel: Channel | null;
  learnedAt: string | null;
  halfLifeDays: number;
  reachable: Channel[];
  scores: { channel: Channel; score: number }[];
  tallies: ChannelTally[];
};

export type Verb = "clicked" | "opened" | "replied";
/** One verb and what it was done to: e.g. clicked, [4 email, 1 sms]. */
export type Phrase = { verb: Verb; items: { channel: Channel; count: number }[] };

const VERBS: [Verb, "clicks" | "opens" | "replies"][] = [
  ["clicked", "clicks"],
  ["opened", "opens"],
  ["replied", "replies"],
];

/** The phrases of the explanation, clicks first, each channel in the tallies' order. */
export const explanationPhrases = (tallies: readonly ChannelTally[]): Phrase[] =>
  VERBS.map(([verb, field]) => ({
    verb,
    items: tallies.filter((t) => t[field] > 0).map((t) => ({ channel: t.channel, count: t[field] })),
  })).filter((phrase) => phrase.items.length > 0);

/** Each score's share of the total (0-100, rounded), for the card's bars; [] without scores. */
export const scoreShares = (scores: readonly { channel: Channel; score: number }[]): { channel: Channel; percent: number }[] => {
  const total = scores.reduce((sum, s) => sum + s.score, 0);
  return total > 0 ? scores.map((s) => ({ channel: s.channel, percent: Math.round((100 * s.score) / total) })) : [];
};

/** The first letter up ("clicked ..." begins the sentence). */
export const sentence = (text: string): string => (text ? text[0]!.toLocaleUpperCase() + text.slice(1) : text);
