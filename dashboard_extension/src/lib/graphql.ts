/**
 * Transport for the app's own GraphQL API (served by the Django backend).
 * Pure helpers only: building the request and turning a response into a result.
 * `fetch` is injected so the whole flow is testable without a browser.
 */

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
export type GraphQLFailure = {
  ok: false;
  message: string;
  code: string;
  /** HTTP status when a response was received; absent for network failures. */
  status?: number;
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

type ErrorEntry = { message: string; code?: string };

const readErrors = (body: unknown): ErrorEntry[] => {
  if (!isRecord(body) || !Array.isArray(body.errors)) {
    return [];
  }

  return body.errors.map((error: unknown): ErrorEntry => {
    const message = isRecord(error) && typeof error.message === "string" ? error.message : "Unknown error";
    const extensions = isRecord(error) && isRecord(error.extensions) ? error.extensions : {};
    const code = typeof extensions.code === "string" ? extensions.code : undefined;

    return { message, code };
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
