/**
 * The problems of one field of a node's form: the first one for a plain input, or, for a field
 * with rows or parts (subject variants, a broadcast's test share), each at its place. Problems
 * are the client's mirror and the server's answers alike, addressed by their path inside the
 * node (`subject_variants.1`, `test.share_percent`, `template`).
 */
export type FieldProblem = { field: string; text: string };

const inside = (field: string, name: string): boolean => field === name || field.startsWith(`${name}.`);

/** The first problem at the field or inside it. */
export const fieldError = (problems: readonly FieldProblem[], name: string): string | undefined =>
  problems.find((p) => inside(p.field, name))?.text;

/**
 * The problems inside a field by the rest of their path ("" for the field's own, "1" for
 * `subject_variants.1`, "share_percent" for `test.share_percent`, "a.b" deeper); several at one
 * place are joined, each text once.
 */
export const innerErrors = (problems: readonly FieldProblem[], name: string): Map<string, string> => {
  const found = new Map<string, string[]>();
  for (const problem of problems) {
    if (!inside(problem.field, name)) continue;
    const rest = problem.field.slice(name.length + 1);
    const texts = found.get(rest) ?? [];
    if (!texts.includes(problem.text)) found.set(rest, [...texts, problem.text]);
  }
  return new Map([...found].map(([place, texts]) => [place, texts.join("; ")]));
};
