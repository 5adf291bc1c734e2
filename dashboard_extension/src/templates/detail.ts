/** The template page's decisions: the language shown, preview widths, a test address, where an error is. */

/** The preview's widths: a desktop client's 600 px column and a phone's 375 px. */
export const PREVIEW_WIDTHS = [600, 375] as const;
export type PreviewWidth = (typeof PREVIEW_WIDTHS)[number];

/** The language to show: the one asked for when the template has it, else its default, else its first. */
export const shownLanguage = (template: { languages: string[]; defaultLanguage: string }, asked: string | null): string => {
  if (asked && template.languages.includes(asked)) return asked;
  if (template.languages.includes(template.defaultLanguage)) return template.defaultLanguage;
  return template.languages[0] ?? template.defaultLanguage;
};

/** A rough check before sending (the API checks the address for real): null when it may be sent. */
export const testAddressProblem = (to: string): string | null => {
  const address = to.trim();
  if (address === "") return "templates.test.problem.required";
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) ? null : "templates.test.problem.invalid";
};

export type Located = { line: number | null; column: number | null };

/** Where an error of a stage is, as a message id and its values ("line 3, column 7"). */
export const locationOf = ({ line, column }: Located): { id: string; values: Record<string, number> } | null => {
  if (line === null) return null;
  return column === null ? { id: "templates.error.atLine", values: { line } } : { id: "templates.error.atLineColumn", values: { line, column } };
};

/** Errors sorted by field (subject, preheader, mjml) then line and column, as an editor lists them. */
export const sortedErrors = <E extends Located & { field: string }>(errors: readonly E[]): E[] => {
  const order = ["subject", "preheader", "mjml"];
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return [...errors].sort(
    (a, b) => rank(a.field) - rank(b.field) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
};

/** A language code as the API keeps it: "fr", "pt-br" (2 to 8 characters, letters and a hyphen). */
export const normalLanguage = (typed: string): string => typed.trim().toLowerCase().replace(/_/g, "-");

/** Why a typed language cannot be added to a template (a message id), or null. */
export const newLanguageProblem = (typed: string, existing: readonly string[]): string | null => {
  const code = normalLanguage(typed);
  if (code === "") return "templates.language.problem.required";
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,4})?$/.test(code)) return "templates.language.problem.invalid";
  return existing.includes(code) ? "templates.language.problem.exists" : null;
};
