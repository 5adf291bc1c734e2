/**
 * Print batches (saleor_mautomation/postal): what the list shows of a batch and what the admin
 * may do with it. A download closes an open batch (its cards are then final); the CSV is
 * fetched like the segment members' (lib/app-file) and handed to the browser as a Blob. Marking
 * sent to print needs a closed batch (the server refuses an open one with BATCH_OPEN).
 */
import { type Fetch, fetchAppFile } from "../lib/app-file";
import { type ClientBridge, GraphQLRequestError } from "../lib/graphql";

export type PostalBatchStatus = "OPEN" | "CLOSED" | "SENT";

export type PostalBatch = {
  id: string;
  journeyId: string;
  journeyName: string;
  node: string;
  template: string;
  day: string;
  sequence: number;
  status: PostalBatchStatus;
  cards: number;
  maxCards: number;
  createdAt: string;
  closesAt: string;
  closedAt: string | null;
  closedReason: string;
  downloadedAt: string | null;
  sentAt: string | null;
  csvPath: string;
};

/** The message id of a batch's state: open, closed by its cut-off or its download, sent. */
export const stateMessageId = (batch: Pick<PostalBatch, "status" | "closedReason">): string => {
  if (batch.status === "SENT") return "postal.state.sent";
  if (batch.status === "OPEN") return "postal.state.open";
  return batch.closedReason === "download" ? "postal.state.closedByDownload" : "postal.state.closedByCutOff";
};

/** What the admin may do: download any batch with cards (an open one closes), mark a closed one sent. */
export const actionsOf = (batch: Pick<PostalBatch, "status" | "cards">): { download: boolean; markSent: boolean } => ({
  download: batch.cards > 0,
  markSent: batch.status === "CLOSED",
});

/** The server's file name: `postal-<day>-<step>-<sequence>.csv`. */
export const csvFileName = (batch: Pick<PostalBatch, "day" | "node" | "sequence">): string =>
  `postal-${batch.day}-${batch.node}-${batch.sequence}.csv`;

/** How full a batch is, in whole percent of its cap (0 for a cap of 0). */
export const fillPercent = (batch: Pick<PostalBatch, "cards" | "maxCards">): number =>
  batch.maxCards > 0 ? Math.min(100, Math.round((batch.cards / batch.maxCards) * 100)) : 0;

/** The batch's CSV, or a GraphQLRequestError (shown like any failed call) for a refused one. */
export const fetchBatchCsv = async ({
  csvPath,
  origin,
  bridge,
  fetch,
  signal,
}: {
  csvPath: string;
  origin: string;
  bridge: ClientBridge;
  fetch: Fetch;
  signal?: AbortSignal;
}): Promise<Blob> => {
  if (!/^\/api\/postal\/batches\/\d{1,18}\.csv$/.test(csvPath))
    throw new GraphQLRequestError({ ok: false, code: "NOT_FOUND", message: `Not a batch's CSV: ${csvPath}` });
  return fetchAppFile({ path: csvPath, origin, bridge, fetch, signal });
};
