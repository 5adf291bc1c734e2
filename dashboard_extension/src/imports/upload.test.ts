import { describe, expect, it, vi } from "vitest";

import { createImportsApi, errorsUrl, parseUploadResponse, previewUrl, startUrl, UploadError } from "./upload";

const ORIGIN = "https://app.example";

const bridge = (token = "t1") => {
  const listeners: ((payload: { token: string }) => void)[] = [];
  const state = { token, saleorApiUrl: "https://shop.example/graphql/" };
  return {
    state,
    getState: () => state,
    subscribe: (_event: "tokenRefresh", callback: (payload: { token: string }) => void) => {
      listeners.push(callback);
      return () => undefined;
    },
  };
};

const answer = (status: number, body: unknown) => new Response(typeof body === "string" ? body : JSON.stringify(body), { status });

describe("urls", () => {
  it("name the kind, the file and the source in the query", () => {
    expect(previewUrl(ORIGIN, "consents")).toBe("https://app.example/api/imports/preview?kind=consents");
    expect(startUrl(ORIGIN, "consents", "export 1.csv", " Mailchimp export 2026-11 ")).toBe(
      "https://app.example/api/imports?kind=consents&fileName=export+1.csv&source=Mailchimp+export+2026-11",
    );
    expect(startUrl(ORIGIN, "contacts", "c.csv", "")).toBe("https://app.example/api/imports?kind=contacts&fileName=c.csv");
    expect(errorsUrl(ORIGIN, "Q3N2SW1wb3J0Ojc=")).toBe("https://app.example/api/imports/Q3N2SW1wb3J0Ojc%3D/errors.csv");
  });
});

describe("parseUploadResponse", () => {
  it("reads the app's error body, or says the status", () => {
    expect(parseUploadResponse(400, JSON.stringify({ error: { message: "The file has no email column", code: "column_missing" } }))).toEqual({
      ok: false,
      message: "The file has no email column",
      code: "column_missing",
      status: 400,
    });
    expect(parseUploadResponse(502, "<html>")).toEqual({ ok: false, message: "The app answered HTTP 502.", code: "http_error", status: 502 });
    expect(parseUploadResponse(202, JSON.stringify({ id: "4", total: 3 }))).toEqual({ ok: true, data: { id: "4", total: 3 } });
  });
});

describe("createImportsApi", () => {
  it("sends the file as the body with the Dashboard's token and shop", async () => {
    const fetch = vi.fn(async () => answer(202, { id: "4", total: 3 }));
    const api = createImportsApi({ origin: ORIGIN, fetch, bridge: bridge() });
    const file = new Blob(["email\na@example.com\n"], { type: "text/csv" });

    const started = await api.start("contacts", file, "c.csv", "");

    expect(started).toEqual({ id: "4", total: 3 });
    expect(fetch).toHaveBeenCalledWith("https://app.example/api/imports?kind=contacts&fileName=c.csv", {
      method: "POST",
      body: file,
      headers: {
        "Content-Type": "text/csv",
        "Authorization-Bearer": "t1",
        "Saleor-Api-Url": "https://shop.example/graphql/",
      },
    });
  });

  it("throws the app's refusal with its code", async () => {
    const fetch = vi.fn(async () => answer(400, { error: { message: "Name where these consents come from", code: "source_missing" } }));
    const api = createImportsApi({ origin: ORIGIN, fetch, bridge: bridge() });

    const refused = await api.start("consents", new Blob(["x"]), "c.csv", "").catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(UploadError);
    expect((refused as UploadError).failure).toEqual({
      ok: false,
      message: "Name where these consents come from",
      code: "source_missing",
      status: 400,
    });
  });

  it("retries a 401 once with the token refreshed in the meantime", async () => {
    const shared = bridge("old");
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      if (headers["Authorization-Bearer"] === "old") {
        shared.state.token = "new";
        return answer(401, { error: { message: "expired", code: "unauthenticated" } });
      }
      return answer(200, "row,column,message\n");
    });
    const api = createImportsApi({ origin: ORIGIN, fetch, bridge: shared });

    const blob = await api.rowErrors("7");

    expect(await blob.text()).toBe("row,column,message\n");
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(fetch.mock.calls[1]?.[1]).toEqual({
      method: "GET",
      body: undefined,
      headers: { "Authorization-Bearer": "new", "Saleor-Api-Url": "https://shop.example/graphql/" },
    });
  });

  it("says when the app cannot be reached", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const api = createImportsApi({ origin: ORIGIN, fetch, bridge: bridge() });

    const failed = await api.preview("contacts", new Blob(["x"])).catch((error: unknown) => error);

    expect((failed as UploadError).failure).toEqual({ ok: false, message: "Could not reach the app: Failed to fetch", code: "network_error" });
  });
});
