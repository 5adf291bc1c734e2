/**
 * Editing an email template's newest version into a new one: the draft's content, whether it
 * differs from the saved version, and when it may be saved. The draft lives in the page only
 * (no storage); it is sent to templateValidate and templatePreview once typing settles.
 */
import type { Content } from "./use-templates";

/** Typing settles this long before the draft is validated and previewed. */
export const SETTLE_MS = 400;

export const draftOf = (version: { subject: string; preheader: string; mjml: string }): Content => ({
  subject: version.subject,
  preheader: version.preheader,
  mjml: version.mjml,
});

export const isDirty = (draft: Content, saved: Content): boolean =>
  draft.subject !== saved.subject || draft.preheader !== saved.preheader || draft.mjml !== saved.mjml;

export type SaveState = "unchanged" | "checking" | "invalid" | "ready";

/**
 * Whether "Save as new version" may be pressed: only a changed draft whose settled content has
 * been validated without errors (the API checks again and refuses an invalid version).
 */
export const saveState = ({
  draft,
  saved,
  checked,
  errors,
}: {
  draft: Content;
  saved: Content;
  /** The content the errors are of (null: nothing validated yet). */
  checked: Content | null;
  errors: readonly unknown[] | undefined;
}): SaveState => {
  if (!isDirty(draft, saved)) return "unchanged";
  if (checked === null || errors === undefined || isDirty(draft, checked)) return "checking";
  return errors.length > 0 ? "invalid" : "ready";
};

type Staged = { stage: string; code: string; message: string; line: number | null; column: number | null; field: string };

/** Two reports of the same content's errors (templateValidate's, templatePreview's) as one list, each error once. */
export const mergedErrors = <E extends Staged>(...reports: (readonly E[] | undefined)[]): E[] => {
  const seen = new Set<string>();
  const merged: E[] = [];
  for (const error of reports.flatMap((report) => report ?? [])) {
    const key = JSON.stringify([error.stage, error.code, error.message, error.line, error.column, error.field]);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(error);
  }
  return merged;
};

/** The messages of one field's errors (the subject's or preheader's, shown at that field). */
export const fieldMessages = (errors: readonly Staged[], field: "subject" | "preheader"): string[] =>
  errors.filter((error) => error.field === field).map((error) => error.message);
