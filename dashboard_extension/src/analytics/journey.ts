/** What the journey analytics page needs to know of the journey itself. */

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
