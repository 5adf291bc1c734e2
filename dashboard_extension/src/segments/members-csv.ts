/**
 * The members as CSV: `GET /api/segments/<pk>/members.csv` on the app's origin, with the same
 * headers as the GraphQL calls (App Bridge token, Saleor API URL), retried once after a token
 * refresh on 401, and handed to the browser as a Blob download (nothing stored).
 */
import { AUTHORIZATION_BEARER_HEADER, type ClientBridge, GraphQLRequestError, SALEOR_API_URL_HEADER } from "../lib/graphql";
import { withTokenRetry } from "../lib/token-retry";

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

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

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
  const url = new URL(membersCsvPath(pk), origin).toString();
  const response = await withTokenRetry(
    bridge,
    (token) =>
      fetch(url, {
        method: "GET",
        headers: { [AUTHORIZATION_BEARER_HEADER]: token, [SALEOR_API_URL_HEADER]: bridge.getState().saleorApiUrl ?? "" },
        signal,
      }),
    (answer) => answer.status === 401,
    { signal },
  );
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new GraphQLRequestError({
      ok: false,
      code: "HTTP_ERROR",
      status: response.status,
      message: body?.error?.message ?? `The app answered HTTP ${response.status}.`,
    });
  }
  return response.blob();
};
