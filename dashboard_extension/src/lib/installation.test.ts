import { describe, expect, it, vi } from "vitest";

import type { FetchFn } from "./graphql";
import {
  fetchInstallation,
  INSTALLATION_QUERY,
  InstallationErrorCode,
  readInstallation,
} from "./installation";

const installation = { saleorApiUrl: "https://shop.example.com/graphql/", appId: "QXBwOjQy" };
const auth = { token: "jwt", saleorApiUrl: installation.saleorApiUrl };
const url = "https://app.example.com/graphql/";

const respond = (status: number, body: unknown): FetchFn =>
  vi.fn<FetchFn>().mockResolvedValue(new Response(JSON.stringify(body), { status }));

describe("readInstallation", () => {
  it("extracts the installation from data", () => {
    expect(readInstallation({ ok: true, data: { installation } })).toEqual({ ok: true, installation });
  });

  it("passes failures through unchanged", () => {
    const failure = { ok: false as const, message: "nope", code: "X", status: 401 };

    expect(readInstallation(failure)).toBe(failure);
  });

  it("reports a null installation as not installed", () => {
    expect(readInstallation({ ok: true, data: { installation: null } })).toMatchObject({
      ok: false,
      code: InstallationErrorCode.notInstalled,
    });
  });

  it.each([{}, { installation: { appId: 1 } }, { installation: { saleorApiUrl: "x" } }])(
    "rejects malformed data %j",
    (data) => {
      expect(readInstallation({ ok: true, data })).toMatchObject({
        ok: false,
        code: InstallationErrorCode.invalidResponse,
      });
    },
  );
});

describe("fetchInstallation", () => {
  it("sends the Installation query with the Dashboard credentials", async () => {
    const fetch = respond(200, { data: { installation } });

    await expect(fetchInstallation(auth, { url, fetch })).resolves.toEqual({ ok: true, installation });

    const init = vi.mocked(fetch).mock.calls[0]![1];

    expect(init.body).toBe('{"query":"query Installation { installation { saleorApiUrl appId } }"}');
    expect(JSON.parse(String(init.body)).query).toBe(INSTALLATION_QUERY);
    expect(init.headers).toEqual({
      "Content-Type": "application/json",
      "Authorization-Bearer": "jwt",
      "Saleor-Api-Url": installation.saleorApiUrl,
    });
  });

  it("surfaces the backend's 401 error", async () => {
    const fetch = respond(401, { errors: [{ message: "Invalid token", extensions: { code: "UNAUTHENTICATED" } }] });

    await expect(fetchInstallation(auth, { url, fetch })).resolves.toEqual({
      ok: false,
      message: "Invalid token",
      code: "UNAUTHENTICATED",
      status: 401,
    });
  });

  it("surfaces a network failure", async () => {
    const fetch = vi.fn<FetchFn>().mockRejectedValue(new TypeError("NetworkError when attempting to fetch resource."));

    await expect(fetchInstallation(auth, { url, fetch })).resolves.toMatchObject({
      ok: false,
      code: "NETWORK_ERROR",
    });
  });
});
