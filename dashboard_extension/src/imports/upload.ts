/**
 * The file's way to the app: the CSV itself as the body of `POST /api/imports/preview` (read,
 * nothing written) and `POST /api/imports` (the import, queued), with the Dashboard's token as
 * on every GraphQL call; and the skipped rows as CSV from `GET /api/imports/<id>/errors.csv`.
 * Not a GraphQL string: a file of up to 20 MB does not fit the API's body limit.
 * `fetch` is injected, so all of it is testable without a browser.
 */
import { AUTHORIZATION_BEARER_HEADER, type ClientBridge, type FetchFn, SALEOR_API_URL_HEADER } from "../lib/graphql";
import { withTokenRetry } from "../lib/token-retry";
import type { ImportKind, Preview } from "./preview";

export type UploadFailure = { ok: false; message: string; code: string; status?: number };
export type UploadResult<T> = { ok: true; data: T } | UploadFailure;
export type Started = { id: string; total: number };

/** An error thrown by the hooks (react-query keeps it as the mutation's error). */
export class UploadError extends Error {
  readonly failure: UploadFailure;

  constructor(failure: UploadFailure) {
    super(failure.message);
    this.name = "UploadError";
    this.failure = failure;
  }
}

export const previewUrl = (origin: string, kind: ImportKind): string =>
  `${new URL("/api/imports/preview", origin).toString()}?${new URLSearchParams({ kind }).toString()}`;

export const startUrl = (origin: string, kind: ImportKind, fileName: string, source: string): string => {
  const query = new URLSearchParams({ kind, fileName });

  if (source.trim()) {
    query.set("source", source.trim());
  }

  return `${new URL("/api/imports", origin).toString()}?${query.toString()}`;
};

export const errorsUrl = (origin: string, importId: string): string =>
  new URL(`/api/imports/${encodeURIComponent(importId)}/errors.csv`, origin).toString();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An answer of the import endpoints: the JSON body on 2xx, else the app's `{error: {message, code}}`. */
export const parseUploadResponse = <T>(status: number, text: string): UploadResult<T> => {
  let body: unknown;

  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }

  if (status >= 200 && status < 300 && isRecord(body)) {
    return { ok: true, data: body as T };
  }

  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const message = typeof error.message === "string" ? error.message : `The app answered HTTP ${status}.`;
  const code = typeof error.code === "string" ? error.code : "http_error";

  return { ok: false, message, code, status };
};

export const headersFor = (token: string, saleorApiUrl: string, csv: boolean): Record<string, string> => ({
  ...(csv ? { "Content-Type": "text/csv" } : {}),
  [AUTHORIZATION_BEARER_HEADER]: token,
  [SALEOR_API_URL_HEADER]: saleorApiUrl,
});

export type ImportsApi = {
  preview(kind: ImportKind, file: Blob): Promise<Preview>;
  start(kind: ImportKind, file: Blob, fileName: string, source: string): Promise<Started>;
  /** The skipped rows as a CSV Blob. */
  rowErrors(importId: string): Promise<Blob>;
};

export const createImportsApi = ({ origin, fetch, bridge }: { origin: string; fetch: FetchFn; bridge: ClientBridge }): ImportsApi => {
  const call = async <T>(url: string, init: { method: string; body?: Blob }, read: (response: Response) => Promise<T>): Promise<T> => {
    const result = await withTokenRetry(
      bridge,
      async (token): Promise<UploadResult<T>> => {
        try {
          const response = await fetch(url, {
            method: init.method,
            body: init.body,
            headers: headersFor(token, bridge.getState().saleorApiUrl ?? "", init.body !== undefined),
          });

          if (!response.ok) {
            return parseUploadResponse<T>(response.status, await response.text());
          }

          return { ok: true, data: await read(response) };
        } catch (error) {
          if (error instanceof UploadError) {
            return error.failure;
          }

          const reason = error instanceof Error ? error.message : String(error);
          return { ok: false, message: `Could not reach the app: ${reason}`, code: "network_error" };
        }
      },
      (result) => !result.ok && result.status === 401,
    );

    if (!result.ok) {
      throw new UploadError(result);
    }

    return result.data;
  };

  const json = async <T>(response: Response): Promise<T> => {
    const parsed = parseUploadResponse<T>(response.status, await response.text());

    if (!parsed.ok) {
      throw new UploadError(parsed);
    }

    return parsed.data;
  };

  return {
    preview: (kind, file) => call(previewUrl(origin, kind), { method: "POST", body: file }, json<Preview>),
    start: (kind, file, fileName, source) =>
      call(startUrl(origin, kind, fileName, source), { method: "POST", body: file }, json<Started>),
    rowErrors: (importId) => call(errorsUrl(origin, importId), { method: "GET" }, (response) => response.blob()),
  };
};
