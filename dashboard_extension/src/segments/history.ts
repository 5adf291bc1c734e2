/**
 * The entry/exit history of a segment: one row per stay (entered, and exited once it ended),
 * newest stay first, as the API pages them (by membership id, "load more" for older ones).
 */

export type HistoryContact = { id: string; email: string | null; firstName: string; lastName: string };
export type HistoryMembership = { id: string; enteredAt: string; exitedAt: string | null; contact: HistoryContact };

export const HISTORY_PAGE_SIZE = 20;

/** The page after `page`: the id of its last stay, or null when it was not full. */
export const nextHistoryCursor = (page: readonly HistoryMembership[], pageSize: number): string | null =>
  page.length < pageSize ? null : (page[page.length - 1]?.id ?? null);

/** The loaded pages' stays, each once (a page read again after an entry may repeat one). */
export const historyStays = (pages: readonly (readonly HistoryMembership[])[]): HistoryMembership[] => {
  const seen = new Set<string>();
  return pages.flat().filter((stay) => !seen.has(stay.id) && Boolean(seen.add(stay.id)));
};

/** "Ada Lovelace", else the email, else null (anonymous). */
export const contactName = (contact: HistoryContact): string | null =>
  [contact.firstName, contact.lastName].filter(Boolean).join(" ") || contact.email || null;
