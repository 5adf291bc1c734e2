/**
 * The segment editor's state around the rule builder: the draft (name, description, rules),
 * whether it differs from what is saved, the checks made before a save, a revision loaded
 * as an unsaved change, and the API's refusals placed at their fields.
 */
import { type DefinitionError, fromDefinition, newTree, type RuleTree, toDefinition } from "./rules/model";

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
 * A refused save at its fields. The API refuses a segment with one `field: message` per
 * problem, joined by "; " (`name: a name of 1 to 120 characters; root.conditions.0.value:
 * ...`): `name` goes to the name field, a definition path to the rule builder's row, and
 * anything else (an archived segment, a segment in use) above the form.
 */
export const refusalOf = (message: string): Refusal => {
  const refusal: Refusal = { name: null, definition: [], general: [] };
  for (const part of message.split("; ")) {
    const match = /^([a-z_]+(?:\.[\w]+)*): (.+)$/.exec(part);
    if (match?.[1] === "name") {
      refusal.name = match[2] ?? "";
    } else if (match?.[1] && (match[1] === "root" || match[1].startsWith("root.") || match[1] === "version")) {
      refusal.definition.push({ field: match[1], message: match[2] ?? "" });
    } else if (part.trim()) {
      refusal.general.push(part);
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
