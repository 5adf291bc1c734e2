/** Whom a preview is rendered for: the example, or a contact found by search. */

export type Person = { id: string; email: string | null; firstName: string; lastName: string };

/** Searches need two characters: shorter words would list half the shop. */
export const MIN_SEARCH = 2;

export const searchTerm = (typed: string): string | null => {
  const term = typed.trim().replace(/\s+/g, " ");
  return term.length >= MIN_SEARCH ? term : null;
};

/** "Ada Lovelace <ada@shop.test>", or whichever of the name and email there is. */
export const personLabel = ({ email, firstName, lastName }: Person): string => {
  const name = `${firstName} ${lastName}`.trim();
  if (name && email) return `${name} <${email}>`;
  return name || email || "–";
};
