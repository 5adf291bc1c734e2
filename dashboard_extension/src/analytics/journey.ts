/** What the journey analytics page needs to know of the journey itself, and of its broadcast. */
import type { BroadcastTest } from "./types";

type Definition = Record<string, unknown> | null | undefined;

const entryType = (definition: Definition): unknown => {
  const entry = definition?.entry;
  return typeof entry === "object" && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>).type : undefined;
};

/** A broadcast: the live version's entry is "broadcast" (the draft's, before anything is live). */
export const isBroadcast = (journey: { draft: Definition; currentVersion: { definition: Definition } | null }): boolean =>
  entryType(journey.currentVersion ? journey.currentVersion.definition : journey.draft) === "broadcast";

/** The version selector's choices: every version (null), then each published one, newest first. */
export const versionChoices = (currentVersion: number | null): (number | null)[] => [
  null,
  ...Array.from({ length: currentVersion ?? 0 }, (_, index) => (currentVersion ?? 0) - index),
];

export type BroadcastDecision =
  | { kind: "undecided" }
  | { kind: "decided"; label: string | null; branch: number; at: string; significant: boolean };

/** A broadcast test's decision: not yet, or the branch sent to the rest (by its label when the
 * result names it), when, and whether it won significantly or only had the best rate seen. */
export const broadcastDecision = (test: BroadcastTest): BroadcastDecision =>
  test.decidedAt === null || test.winner === null
    ? { kind: "undecided" }
    : {
        kind: "decided",
        label: test.result?.variants.find((variant) => variant.branch === test.winner)?.label ?? null,
        branch: test.winner,
        at: test.decidedAt,
        significant: test.significant === true,
      };
