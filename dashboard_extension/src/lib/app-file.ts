/**
 * A file the app serves on its own origin (a segment's members, a print batch): `GET <path>` with
 * the same headers as the GraphQL calls (App Bridge token, Saleor API URL), retried once after a
 * token refresh on 401, and handed back as a Blob for a browser download (nothing stored).
 */
import { AUTHORIZATION_BEARER_HEADER, type ClientBridge, GraphQLRequestError, SALEOR_API_URL_HEADER } from "./graphql";
import { withTokenRetry } from "./token-retry";

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** The file at ``path`` (a path on the app's origin), or a GraphQLRequestError (shown like any
 * failed call) carrying the app's error message for a refused one. */
export const fetchAppFile = async ({
  path,
  origin,
  bridge,
  fetch,
  signal,
}: {
  path: string;
  origin: string;
  bridge: ClientBridge;
  fetch: Fetch;
  signal?: AbortSignal;
}): Promise<Blob> => {
  const url = new URL(path, origin).toString();
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
