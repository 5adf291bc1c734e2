/** The failures lists: kinds, their counts, what an item links to, the pages read so far. */
import type { AppRoute } from "../lib/routes";

export const FAILURE_KINDS = ["DELIVERY", "RUN", "MESSAGE", "CATALOGUE_EVENT"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const PAGE_SIZE = 20;

export type Failure = {
  id: string;
  kind: FailureKind;
  error: string;
  attempts: number;
  at: string | null;
  summary: string;
  retryable: boolean;
  contactId: string | null;
  journeyId: string | null;
  templateId: string | null;
};

export type FailurePage = {
  edges: { cursor: string; node: Failure }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
};

export type FailureCounts = { deliveries: number; runs: number; messages: number; catalogueEvents: number };

const COUNT_OF: Record<FailureKind, keyof FailureCounts> = {
  DELIVERY: "deliveries",
  RUN: "runs",
  MESSAGE: "messages",
  CATALOGUE_EVENT: "catalogueEvents",
};

export const countOf = (counts: FailureCounts, kind: FailureKind): number => counts[COUNT_OF[kind]];

export const kindMessageId = (kind: FailureKind): string => `operations.kind.${kind.toLowerCase()}`;

/** The kind a `?kind=` names; the deliveries for anything else. */
export const kindFromParam = (value: string | null): FailureKind =>
  FAILURE_KINDS.find((kind) => kind.toLowerCase() === value) ?? "DELIVERY";

/** The first kind with failures when the one asked for has none (so the page opens on work). */
export const initialKind = (asked: string | null, counts: FailureCounts | undefined): FailureKind => {
  const kind = kindFromParam(asked);
  if (asked !== null || counts === undefined || countOf(counts, kind) > 0) {
    return kind;
  }
  return FAILURE_KINDS.find((other) => countOf(counts, other) > 0) ?? kind;
};

export type FailureLink = { messageId: string; route: AppRoute };

/** The pages an item concerns: its contact, journey, template (those it has). */
export const linksOf = (failure: Failure): FailureLink[] => [
  ...(failure.contactId ? [{ messageId: "operations.link.contact", route: { name: "contact", contactId: failure.contactId } as const }] : []),
  ...(failure.journeyId ? [{ messageId: "operations.link.journey", route: { name: "journey", journeyId: failure.journeyId } as const }] : []),
  ...(failure.templateId ? [{ messageId: "operations.link.template", route: { name: "template", templateId: failure.templateId } as const }] : []),
];

/** Every item of the pages read, each once (an item may move while paging), minus those gone. */
export const itemsOf = (pages: FailurePage[], gone: ReadonlySet<string>): Failure[] => {
  const seen = new Set<string>();
  return pages
    .flatMap((page) => page.edges.map((edge) => edge.node))
    .filter((node) => {
      if (seen.has(node.id) || gone.has(node.id)) return false;
      seen.add(node.id);
      return true;
    });
};

/** The error's first line for the list (the whole text stays one click away). */
export const errorHeadline = (error: string, max = 160): string => {
  const first = (error.split("\n", 1)[0] ?? "").trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
};

/** Refusal codes of retryFailure with their own wording; any other shows the API's text. */
export const RETRY_REFUSALS = ["BODY_ERASED", "RUN_OPEN", "MAY_HAVE_BEEN_SENT", "CONTACT_ERASED", "TEMPLATE_GONE", "NOT_FAILED", "NOT_FOUND"] as const;

export const refusalMessageId = (code: string | undefined): string | null =>
  code && (RETRY_REFUSALS as readonly string[]).includes(code) ? `operations.refusal.${code}` : null;
