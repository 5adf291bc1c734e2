import { describe, expect, it, vi } from "vitest";

import {
  buildRequestInit,
  ErrorCode,
  executeGraphQL,
  type FetchFn,
  networkFailure,
  parseGraphQLResponse,
  resolveApiUrl,
} from "./graphql";

const request = {
  token: "jwt-token",
  saleorApiUrl: "https://shop.example.com/graphql/",
  query: "query Installation { installation { saleorApiUrl appId } }",
};

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("resolveApiUrl", () => {
  it("resolves the API path against the app origin, not the page path", () => {
    expect(resolveApiUrl("/graphql/", "https://app.example.com")).toBe("https://app.example.com/graphql/");
  });
});

describe("buildRequestInit", () => {
  it("POSTs JSON with the Saleor auth headers", () => {
    const init = buildRequestInit(request);

    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({
      "Content-Type": "application/json",
      "Authorization-Bearer": "jwt-token",
      "Saleor-Api-Url": "https://shop.example.com/graphql/",
    });
    expect(init.body).toBe(JSON.stringify({ query: request.query }));
  });

  it("includes variables only when given", () => {
    const init = buildRequestInit({ ...request, variables: { first: 5 } });

    expect(JSON.parse(String(init.body))).toEqual({ query: request.query, variables: { first: 5 } });
  });
});

describe("parseGraphQLResponse", () => {
  it("returns data for a successful response", () => {
    const body = JSON.stringify({ data: { installation: { appId: "QXBwOjE=" } } });

    expect(parseGraphQLResponse(200, body)).toEqual({ ok: true, data: { installation: { appId: "QXBwOjE=" } } });
  });

  it("treats GraphQL errors on HTTP 200 as a failure with the extension code", () => {
    const body = JSON.stringify({
      data: null,
      errors: [{ message: "Field is broken", extensions: { code: "INTERNAL" } }],
    });

    expect(parseGraphQLResponse(200, body)).toEqual({
      ok: false,
      message: "Field is broken",
      code: "INTERNAL",
      status: 200,
    });
  });

  it("keeps the problems per field of the first error, skipping entries of another shape", () => {
    const body = JSON.stringify({
      data: null,
      errors: [
        {
          message: "name: required; root.conditions.0.value: must be a number",
          extensions: {
            code: "INVALID_DEFINITION",
            fields: [
              { field: "name", message: "required" },
              { field: "root.conditions.0.value", message: "must be a number" },
              { field: 3, message: "not a path" },
            ],
          },
        },
      ],
    });

    expect(parseGraphQLResponse(200, body)).toEqual({
      ok: false,
      message: "name: required; root.conditions.0.value: must be a number",
      code: "INVALID_DEFINITION",
      status: 200,
      fields: [
        { field: "name", message: "required" },
        { field: "root.conditions.0.value", message: "must be a number" },
      ],
    });
  });

  it("falls back to GRAPHQL_ERROR and joins messages when errors carry no code", () => {
    const body = JSON.stringify({ data: { x: 1 }, errors: [{ message: "first" }, { message: "second" }] });

    expect(parseGraphQLResponse(200, body)).toMatchObject({
      ok: false,
      message: "first; second",
      code: ErrorCode.graphql,
    });
  });

  it("reads the error body of a 401 response", () => {
    const body = JSON.stringify({ errors: [{ message: "Invalid token", extensions: { code: "UNAUTHENTICATED" } }] });

    expect(parseGraphQLResponse(401, body)).toEqual({
      ok: false,
      message: "Invalid token",
      code: "UNAUTHENTICATED",
      status: 401,
    });
  });

  it("reads the error body of a 403 response without a code", () => {
    const body = JSON.stringify({ errors: [{ message: "Missing MANAGE_APPS" }] });

    expect(parseGraphQLResponse(403, body)).toEqual({
      ok: false,
      message: "Missing MANAGE_APPS",
      code: ErrorCode.http,
      status: 403,
    });
  });

  it("describes an HTTP error whose body is not JSON", () => {
    expect(parseGraphQLResponse(502, "<html>Bad gateway</html>")).toEqual({
      ok: false,
      message: "The app API responded with HTTP 502.",
      code: ErrorCode.http,
      status: 502,
    });
  });

  it("describes an HTTP error with a JSON body that has no errors", () => {
    expect(parseGraphQLResponse(500, JSON.stringify({ detail: "boom" }))).toMatchObject({
      ok: false,
      code: ErrorCode.http,
      status: 500,
    });
  });

  it.each(["not json", "", "[]", JSON.stringify({ data: null })])("rejects a 200 body %j without data", (body) => {
    expect(parseGraphQLResponse(200, body)).toMatchObject({ ok: false, code: ErrorCode.invalidResponse });
  });

  it("does not crash on malformed error entries", () => {
    const body = JSON.stringify({ errors: ["oops", { message: 42, extensions: { code: 7 } }] });

    expect(parseGraphQLResponse(400, body)).toEqual({
      ok: false,
      message: "Unknown error; Unknown error",
      code: ErrorCode.http,
      status: 400,
    });
  });
});

describe("networkFailure", () => {
  it("wraps Error and non-Error values", () => {
    expect(networkFailure(new TypeError("Failed to fetch"))).toEqual({
      ok: false,
      message: "Could not reach the app API: Failed to fetch",
      code: ErrorCode.network,
    });
    expect(networkFailure("offline").message).toBe("Could not reach the app API: offline");
  });
});

describe("executeGraphQL", () => {
  const url = "https://app.example.com/graphql/";

  it("sends the built request to the URL and parses the answer", async () => {
    const fetch = vi.fn<FetchFn>().mockResolvedValue(jsonResponse(200, { data: { ok: true } }));

    await expect(executeGraphQL(request, { url, fetch })).resolves.toEqual({ ok: true, data: { ok: true } });
    expect(fetch).toHaveBeenCalledTimes(1);

    const [calledUrl, init] = fetch.mock.calls[0]!;

    expect(calledUrl).toBe(url);
    expect(init.headers).toMatchObject({ "Authorization-Bearer": "jwt-token" });
  });

  it("passes the abort signal through", async () => {
    const fetch = vi.fn<FetchFn>().mockResolvedValue(jsonResponse(200, { data: {} }));
    const controller = new AbortController();

    await executeGraphQL(request, { url, fetch, signal: controller.signal });

    expect(fetch.mock.calls[0]![1].signal).toBe(controller.signal);
  });

  it("returns the HTTP failure from the backend body", async () => {
    const fetch = vi
      .fn<FetchFn>()
      .mockResolvedValue(jsonResponse(403, { errors: [{ message: "Forbidden", extensions: { code: "PERMISSION_DENIED" } }] }));

    await expect(executeGraphQL(request, { url, fetch })).resolves.toEqual({
      ok: false,
      message: "Forbidden",
      code: "PERMISSION_DENIED",
      status: 403,
    });
  });

  it("turns a rejected fetch into a network failure", async () => {
    const fetch = vi.fn<FetchFn>().mockRejectedValue(new TypeError("Failed to fetch"));

    await expect(executeGraphQL(request, { url, fetch })).resolves.toEqual({
      ok: false,
      message: "Could not reach the app API: Failed to fetch",
      code: ErrorCode.network,
    });
  });
});
