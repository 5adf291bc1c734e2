import { describe, expect, it } from "vitest";

import { createGraphQLClient, type FetchFn, GraphQLRequestError, isAbortError } from "./graphql";

type Call = { token: string; apiUrl: string; body: unknown; signal: AbortSignal | undefined };

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** App Bridge stand-in: state read by the client, tokenRefresh sent by the test. */
const fakeBridge = (token: string) => {
  const listeners = new Set<(payload: { token: string }) => void>();
  const state = { token, saleorApiUrl: "https://shop.example.com/graphql/" };
  return {
    state,
    listeners,
    getState: () => state,
    subscribe: (_event: "tokenRefresh", callback: (payload: { token: string }) => void) => {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    refresh(next: string) {
      state.token = next;
      for (const listener of [...listeners]) listener({ token: next });
    },
  };
};

const recordingFetch = (answers: Response[]) => {
  const calls: Call[] = [];
  const fetch: FetchFn = async (_url, init) => {
    const headers = init.headers as Record<string, string>;
    calls.push({
      token: headers["Authorization-Bearer"] ?? "",
      apiUrl: headers["Saleor-Api-Url"] ?? "",
      body: JSON.parse(String(init.body)),
      signal: init.signal ?? undefined,
    });
    const answer = answers.shift();
    if (!answer) throw new Error("no more answers");
    return answer;
  };
  return { calls, fetch };
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createGraphQLClient", () => {
  it("sends the bridge's current token and Saleor API URL with each call", async () => {
    const bridge = fakeBridge("t1");
    const { calls, fetch } = recordingFetch([
      jsonResponse(200, { data: { journeys: [] } }),
      jsonResponse(200, { data: { journeys: [] } }),
    ]);
    const client = createGraphQLClient({ url: "https://app/graphql/", fetch, bridge });

    await client.request("query Journeys { journeys { id } }");
    bridge.state.token = "t2";
    await client.request("query Journeys { journeys { id } }", { a: 1 });

    expect(calls.map((call) => call.token)).toEqual(["t1", "t2"]);
    expect(calls[0]?.apiUrl).toBe("https://shop.example.com/graphql/");
    expect(calls[1]?.body).toEqual({ query: "query Journeys { journeys { id } }", variables: { a: 1 } });
  });

  it("retries a 401 after the next tokenRefresh and returns its data", async () => {
    const bridge = fakeBridge("expired");
    const { calls, fetch } = recordingFetch([
      jsonResponse(401, { errors: [{ message: "Token expired", extensions: { code: "UNAUTHENTICATED" } }] }),
      jsonResponse(200, { data: { journeys: [{ id: "1" }] } }),
    ]);
    const client = createGraphQLClient({ url: "https://app/graphql/", fetch, bridge });

    const pending = client.request<{ journeys: { id: string }[] }>("query J { journeys { id } }");
    await flush();
    bridge.refresh("fresh");

    expect(await pending).toEqual({ journeys: [{ id: "1" }] });
    expect(calls.map((call) => call.token)).toEqual(["expired", "fresh"]);
  });

  it("throws the failure of a refused call", async () => {
    const bridge = fakeBridge("t");
    const { fetch } = recordingFetch([
      jsonResponse(200, { data: null, errors: [{ message: "No such journey", extensions: { code: "NOT_FOUND" } }] }),
    ]);
    const client = createGraphQLClient({ url: "https://app/graphql/", fetch, bridge });

    const error = await client.request("query J { journey(id: 1) { id } }").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).failure).toEqual({
      ok: false,
      message: "No such journey",
      code: "NOT_FOUND",
      status: 200,
    });
  });

  it("passes the cancellation signal to fetch and throws an AbortError when cancelled", async () => {
    const bridge = fakeBridge("t");
    const controller = new AbortController();
    const calls: (AbortSignal | undefined)[] = [];
    const fetch: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => {
        calls.push(init.signal ?? undefined);
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    const client = createGraphQLClient({ url: "https://app/graphql/", fetch, bridge });

    const pending = client.request("query J { journeys { id } }", undefined, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);

    expect(calls).toEqual([controller.signal]);
    expect(isAbortError(error)).toBe(true);
  });
});
