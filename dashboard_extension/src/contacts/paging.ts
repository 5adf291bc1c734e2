/**
 * Keyset paging of the contact list. The API pages forward only (`after` an end cursor); the
 * way back is the cursors of the pages seen, kept in order. A change of the filters, search or
 * sort starts again at the first page.
 */

export type Paging = {
  /** The filters the cursors belong to (`pagingKey`). */
  key: string;
  /** The `after` of each page seen: null for the first. The last is the current page's. */
  cursors: (string | null)[];
};

export const pagingKey = (variables: unknown): string => JSON.stringify(variables);

export const firstPage = (key: string): Paging => ({ key, cursors: [null] });

/** The paging for `key`: the one kept if it belongs to these filters, else the first page. */
export const pagingFor = (paging: Paging, key: string): Paging => (paging.key === key ? paging : firstPage(key));

export const currentCursor = (paging: Paging): string | null => paging.cursors[paging.cursors.length - 1] ?? null;

export const pageNumber = (paging: Paging): number => paging.cursors.length;

export const nextPage = (paging: Paging, endCursor: string | null): Paging =>
  endCursor ? { ...paging, cursors: [...paging.cursors, endCursor] } : paging;

export const previousPage = (paging: Paging): Paging =>
  paging.cursors.length > 1 ? { ...paging, cursors: paging.cursors.slice(0, -1) } : paging;

/** "21-40 of 57": the rows shown on this page, numbered from 1; null for an empty page. */
export const rowRange = (
  paging: Paging,
  pageSize: number,
  rowsOnPage: number,
  total: number,
): { from: number; to: number; total: number } | null => {
  if (rowsOnPage === 0) return null;
  const from = (pageNumber(paging) - 1) * pageSize + 1;
  return { from, to: from + rowsOnPage - 1, total };
};
