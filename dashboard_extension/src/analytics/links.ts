/**
 * Where a row of the analytics tables leads. Rows carry the API's global ids
 * (base64 of `Journey:<pk>` / `Template:<pk>`): a journey row opens its editor and its
 * analytics; a template has no page in the app yet, so its row is no link (rather than a
 * link to nowhere).
 */
import { pathFor } from "../lib/routes";

/** The type named in a global id (`Journey`), or null for anything else. */
export const globalIdType = (id: string): string | null => {
  try {
    const decoded = atob(id);
    const match = /^([A-Za-z]+):.+$/.exec(decoded);
    return match ? (match[1] as string) : null;
  } catch {
    return null;
  }
};

export type RowLinks = { editor: string; analytics: string } | null;
export type RowKind = "journey" | "template";

/** The links of a table row: a journey's editor and analytics; none for a template (no page yet)
 * or for an id that does not name the row's kind. */
export const rowLinks = (kind: RowKind, id: string): RowLinks =>
  kind === "journey" && globalIdType(id) === "Journey"
    ? { editor: pathFor({ name: "journey", journeyId: id }), analytics: pathFor({ name: "journeyAnalytics", journeyId: id }) }
    : null;
