import { describe, expect, it } from "vitest";

import { DEFAULT_API_PATH, DEFAULT_HANDSHAKE_TIMEOUT_MS, parseEnv } from "./env";

describe("parseEnv", () => {
  it("falls back to defaults when nothing is configured", () => {
    expect(parseEnv({})).toEqual({
      apiPath: "/graphql/",
      handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
      repositoryUrl: null,
    });
    expect(DEFAULT_API_PATH).toBe("/graphql/");
  });

  it("uses a configured API path and makes it absolute", () => {
    expect(parseEnv({ VITE_API_PATH: "/api/graphql/" }).apiPath).toBe("/api/graphql/");
    expect(parseEnv({ VITE_API_PATH: "graphql/" }).apiPath).toBe("/graphql/");
  });

  it("treats a blank API path as unset", () => {
    expect(parseEnv({ VITE_API_PATH: "   " }).apiPath).toBe("/graphql/");
  });

  it("parses a positive handshake timeout", () => {
    expect(parseEnv({ VITE_HANDSHAKE_TIMEOUT_MS: "1500" }).handshakeTimeoutMs).toBe(1500);
  });

  it.each(["", "abc", "0", "-5", "Infinity"])("ignores invalid timeout %j", (value) => {
    expect(parseEnv({ VITE_HANDSHAKE_TIMEOUT_MS: value }).handshakeTimeoutMs).toBe(
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
    );
  });

  it("takes an https repository URL without its trailing slash", () => {
    expect(parseEnv({ VITE_REPOSITORY_URL: "https://github.com/acme/saleor-mautomation/" }).repositoryUrl).toBe(
      "https://github.com/acme/saleor-mautomation",
    );
  });

  it.each(["", "  ", "not a url", "http://github.com/acme/x", "javascript:alert(1)"])(
    "links no repository for %j",
    (value) => {
      expect(parseEnv({ VITE_REPOSITORY_URL: value }).repositoryUrl).toBeNull();
    },
  );
});
