/**
 * The live count while editing: which definition is asked about (the one typing settled on,
 * 250 ms after the last change) and how the count on screen relates to the rules on screen.
 */
import type { DefinitionError } from "./rules/model";

export const PREVIEW_DEBOUNCE_MS = 250;
export const SAMPLE_SIZE = 5;

export type PreviewContact = { id: string; email: string | null; firstName: string; lastName: string };
export type PreviewResult = { count: number; sample: PreviewContact[]; errors: DefinitionError[] };

/**
 * - `loading`: nothing to show yet;
 * - `stale`: the count shown is of earlier rules (the rules changed since, or a newer
 *   request is on its way);
 * - `current`: the count is of the rules on screen.
 */
export type PreviewFreshness = "loading" | "stale" | "current";

export const previewFreshness = ({
  hasResult,
  shownKey,
  editedKey,
  fetching,
}: {
  hasResult: boolean;
  /** The definition (its JSON) the shown result was asked for. */
  shownKey: string | null;
  /** The definition (its JSON) on screen. */
  editedKey: string;
  fetching: boolean;
}): PreviewFreshness => {
  if (!hasResult) return "loading";
  return fetching || shownKey !== editedKey ? "stale" : "current";
};
