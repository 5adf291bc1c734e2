/**
 * Transport for the app's own GraphQL API (served by the Django backend).
 * Pure helpers only: building the request and turning a response into a result.
 * `fetch` is injected so the whole flow is testable without a browser.
 */
import { type TokenBridge, type WaitOptions, withTokenRetry } from "./token-retry";

export const AUTHORIZATION_BEARER_HEADER = "Authorization-Bearer";
export const SALEOR_API_URL_HEADER = "Saleor-Api-Url";

export const ErrorCode = {
  network: "NETWORK_ERROR",
  http: "HTTP_ERROR",
  graphql: "GRAPHQL_ERROR",
  invalidResponse: "INVALID_RESPONSE",
} as const;

export type GraphQLRequest = {
  token: string;
  saleorApiUrl: string;
  query: string;
  variables?: Record<string, unknown>;
};

export type GraphQLSuccess = { ok: true; data: unknown };
/** One problem at one input field, as the API lists them in `extensions.fields`. */
export type FieldError = { field: string; message: string };

export type GraphQLFailure = {
  ok: false;
  message: string;
  code: string;
  /** HTTP status when a response was received; absent for network failures. */
  status?: number;
  /** The problems per input field the first error names (an invalid definition, a refused input). */
  fields?: FieldError[];
};
export type GraphQLResult = GraphQLSuccess | GraphQLFailure;

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export const resolveApiUrl = (apiPath: string, origin: string): string =>
  new URL(apiPath, origin).toString();

export const buildRequestInit = ({ token, saleorApiUrl, query, variables }: GraphQLRequest): RequestInit => ({
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    [AUTHORIZATION_BEARER_HEADER]: token,
    [SALEOR_API_URL_HEADER]: saleorApiUrl,
  },
  body: JSON.stringify(variables ? { query, variables } : { query }),
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

type ErrorEntry = { message: string; code?: string; fields?: FieldError[] };

const readFields = (value: unknown): FieldError[] | undefined => {
  if (!Array.isArray(value)) {
    return undefined;
  }

  return value.flatMap((entry: unknown): FieldError[] =>
    isRecord(entry) && typeof entry.field === "string" && typeof entry.message === "string"
      ? [{ field: entry.field, message: entry.message }]
      : [],
  );
};

const readErrors = (body: unknown): ErrorEntry[] => {
  if (!isRecord(body) || !Array.isArray(body.errors)) {
    return [];
  }

  return body.errors.map((error: unknown): ErrorEntry => {
    const message = isRecord(error) && typeof error.message === "string" ? error.message : "Unknown error";
    const extensions = isRecord(error) && isRecord(error.extensions) ? error.extensions : {};
    const code = typeof extensions.code === "string" ? extensions.code : undefined;
    const fields = readFields(extensions.fields);

    return fields ? { message, code, fields } : { message, code };
  });
};

/**
 * Turn an HTTP status and raw body into a result. A response that carries
 * GraphQL `errors` is a failure even when partial `data` is present.
 */
export const parseGraphQLResponse = (status: number, bodyText: string): GraphQLResult => {
  const httpOk = status >= 200 && status < 300;
  const body = parseJson(bodyText);
  const errors = readErrors(body);
  const [firstError] = errors;

  if (firstError) {
    return {
      ok: false,
      message: errors.map((error) => error.message).join("; "),
      code: firstError.code ?? (httpOk ? ErrorCode.graphql : ErrorCode.http),
      status,
      ...(firstError.fields ? { fields: firstError.fields } : {}),
    };
  }

  if (!httpOk) {
    return { ok: false, message: `The app API responded with HTTP ${status}.`, code: ErrorCode.http, status };
  }

  if (isRecord(body) && isRecord(body.data)) {
    return { ok: true, data: body.data };
  }

  return {
    ok: false,
    message: "The app API returned a response that is not valid GraphQL JSON.",
    code: ErrorCode.invalidResponse,
    status,
  };
};

export const networkFailure = (error: unknown): GraphQLFailure => {
  const reason = error instanceof Error ? error.message : String(error);

  return { ok: false, message: `Could not reach the app API: ${reason}`, code: ErrorCode.network };
};

export type ExecuteOptions = { url: string; fetch: FetchFn; signal?: AbortSignal };

export const executeGraphQL = async (
  request: GraphQLRequest,
  { url, fetch, signal }: ExecuteOptions,
): Promise<GraphQLResult> => {
  try {
    const response = await fetch(url, { ...buildRequestInit(request), signal });
    const text = await response.text();

    return parseGraphQLResponse(response.status, text);
  } catch (error) {
    return networkFailure(error);
  }
};

/** What the client needs of App Bridge (structurally matches `AppBridge`). */
export type ClientBridge = {
  getState(): { token?: string; saleorApiUrl?: string };
  subscribe: TokenBridge["subscribe"];
};

/** A failed call, thrown by `GraphQLClient.request` (react-query keeps it as the query's error). */
export class GraphQLRequestError extends Error {
  readonly failure: GraphQLFailure;

  constructor(failure: GraphQLFailure) {
    super(failure.message);
    this.name = "GraphQLRequestError";
    this.failure = failure;
  }
}

export const isAbortError = (error: unknown): boolean =>
  error instanceof DOMException ? error.name === "AbortError" : error instanceof Error && error.name === "AbortError";

export type CallOptions = { signal?: AbortSignal };

export type GraphQLClient = {
  /** The result, failures included; a 401 is retried once with a refreshed token. */
  execute(query: string, variables?: Record<string, unknown>, options?: CallOptions): Promise<GraphQLResult>;
  /** The data, or throws GraphQLRequestError (an AbortError when cancelled). */
  request<T>(query: string, variables?: Record<string, unknown>, options?: CallOptions): Promise<T>;
};

/**
 * The app's API as the Dashboard's user: the token and Saleor API URL are read from the
 * bridge's state on every call (the Dashboard refreshes the token while the page is open).
 */
export const createGraphQLClient = ({
  url,
  fetch,
  bridge,
  tokenWait,
}: {
  url: string;
  fetch: FetchFn;
  bridge: ClientBridge;
  tokenWait?: Omit<WaitOptions, "signal">;
}): GraphQLClient => {
  const execute: GraphQLClient["execute"] = (query, variables, { signal } = {}) =>
    withTokenRetry(
      bridge,
      (token) =>
        executeGraphQL(
          { token, saleorApiUrl: bridge.getState().saleorApiUrl ?? "", query, variables },
          { url, fetch, signal },
        ),
      (result) => !result.ok && result.status === 401,
      { ...tokenWait, signal },
    );

  return {
    execute,
    async request<T>(query: string, variables?: Record<string, unknown>, options: CallOptions = {}) {
      const result = await execute(query, variables, options);

      if (options.signal?.aborted) {
        throw new DOMException("The call was cancelled.", "AbortError");
      }

      if (!result.ok) {
        throw new GraphQLRequestError(result);
      }

      return result.data as T;
    },
  };
};
