/**
 * The members as CSV: `GET /api/segments/<pk>/members.csv` on the app's origin (lib/app-file),
 * handed to the browser as a Blob download (nothing stored).
 */
import { type Fetch, fetchAppFile } from "../lib/app-file";
import { type ClientBridge, GraphQLRequestError } from "../lib/graphql";

/** The database id inside a segment's global id (`U2VnbWVudDoz` is `Segment:3`), else null. */
export const segmentPk = (globalId: string): string | null => {
  try {
    const match = /^Segment:(\d{1,18})$/.exec(atob(globalId));
    return match?.[1] ?? null;
  } catch {
    return null;
  }
};

export const membersCsvPath = (pk: string): string => `/api/segments/${pk}/members.csv`;

/** The server's file name (`segment-<key>.csv`). */
export const membersCsvFileName = (key: string): string => `segment-${key}.csv`;

/** The CSV, or a GraphQLRequestError (shown like any failed call) for a refused one. */
export const fetchMembersCsv = async ({
  segmentId,
  origin,
  bridge,
  fetch,
  signal,
}: {
  segmentId: string;
  origin: string;
  bridge: ClientBridge;
  fetch: Fetch;
  signal?: AbortSignal;
}): Promise<Blob> => {
  const pk = segmentPk(segmentId);
  if (pk === null) throw new GraphQLRequestError({ ok: false, code: "NOT_FOUND", message: `Not a segment id: ${segmentId}` });
  return fetchAppFile({ path: membersCsvPath(pk), origin, bridge, fetch, signal });
};
