/**
 * The segment editor's state around the rule builder: the draft (name, description, rules),
 * whether it differs from what is saved, the checks made before a save, a revision loaded
 * as an unsaved change, and the API's refusals placed at their fields.
 */
import { type DefinitionError, fromDefinition, newTree, type RuleTree, toDefinition } from "./rules/model";
import type { FieldError } from "../lib/graphql";

export const NAME_MAX = 120;

export type Revision = { revision: number; name: string; definition: unknown; createdAt: string };

export type SavedSegment = {
  id: string;
  key: string;
  name: string;
  description: string;
  definition: unknown;
  revision: number;
  status: "ACTIVE" | "ARCHIVED";
  isBuiltin: boolean;
  storefrontVisible: boolean;
  timeDependent: boolean;
  memberCount: number;
  evaluatedAt: string | null;
  updatedAt: string;
  revisions: Revision[];
};

export type Draft = { name: string; description: string; tree: RuleTree };

export const newDraft = (): Draft => ({ name: "", description: "", tree: newTree() });

export const draftOf = (segment: SavedSegment): Draft => ({
  name: segment.name,
  description: segment.description,
  tree: fromDefinition(segment.definition),
});

const definitionText = (tree: RuleTree): string => JSON.stringify(toDefinition(tree));

/** Whether the draft differs from the saved segment (a new segment: from an empty one). */
export const isDirty = (draft: Draft, saved: SavedSegment | null): boolean => {
  const base = saved ? draftOf(saved) : newDraft();
  return draft.name !== base.name || draft.description !== base.description || definitionText(draft.tree) !== definitionText(base.tree);
};

/** A revision's name and rules in the editor, as a change not yet saved. */
export const withRevision = (draft: Draft, revision: Revision): Draft => ({
  ...draft,
  name: revision.name,
  tree: fromDefinition(revision.definition),
});

export type NameProblem = "required" | "tooLong";

/** The name as the API takes it (1 to 120 characters once trimmed), checked before a call. */
export const nameProblem = (name: string): NameProblem | null => {
  const trimmed = name.trim();
  if (!trimmed) return "required";
  return trimmed.length > NAME_MAX ? "tooLong" : null;
};

export type Refusal = { name: string | null; definition: DefinitionError[]; general: string[] };

/**
 * A refused save at its fields. The API lists each problem with its field in the error's
 * `extensions.fields`: `name` goes to the name field, a definition path (`root...`,
 * `version`, `definition`) to the rule builder, and the message of a refusal without fields
 * (an archived segment, a segment in use) above the form.
 */
export const refusalOf = (failure: { message: string; fields?: readonly FieldError[] }): Refusal => {
  const refusal: Refusal = { name: null, definition: [], general: [] };
  if (!failure.fields?.length) {
    refusal.general.push(failure.message);
    return refusal;
  }
  for (const { field, message } of failure.fields) {
    if (field === "name") {
      refusal.name = message;
    } else if (field === "root" || field.startsWith("root.") || field === "version" || field === "definition") {
      refusal.definition.push({ field, message });
    } else {
      refusal.general.push(`${field}: ${message}`);
    }
  }
  return refusal;
};

/** The variables of createSegment / updateSegment. */
export const saveInput = (draft: Draft) => ({
  name: draft.name.trim(),
  description: draft.description.trim(),
  definition: toDefinition(draft.tree),
});
