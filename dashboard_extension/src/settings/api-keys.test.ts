import { describe, expect, it } from "vitest";

import { mergeCatalogues, type Messages } from "../i18n/catalogues";
import { type ApiKey, type ApiKeyStatus, apiKeyStatus, attributesCurl, attributesUrl, checkApiKeyName, maskedKey, sortApiKeys } from "./api-keys";

const key = (over: Partial<ApiKey>): ApiKey => ({
  id: "QXBpS2V5OjE=",
  name: "POS",
  prefix: "1a2b3c4d",
  createdAt: "2026-12-05T10:00:00+00:00",
  lastUsedAt: null,
  revokedAt: null,
  ...over,
});

describe("checkApiKeyName", () => {
  it("trims the name, as the server does", () => {
    expect(checkApiKeyName("  Loyalty system ")).toEqual({ ok: true, name: "Loyalty system" });
  });

  it("refuses an empty or blank name", () => {
    expect(checkApiKeyName("")).toEqual({ ok: false, error: "required" });
    expect(checkApiKeyName(" \t ")).toEqual({ ok: false, error: "required" });
  });

  it("takes 100 characters and refuses 101, counting code points", () => {
    expect(checkApiKeyName("a".repeat(100))).toEqual({ ok: true, name: "a".repeat(100) });
    expect(checkApiKeyName("a".repeat(101))).toEqual({ ok: false, error: "tooLong" });
    // 100 emoji are 200 UTF-16 units but 100 characters for the server.
    expect(checkApiKeyName("🔑".repeat(100))).toEqual({ ok: true, name: "🔑".repeat(100) });
    expect(checkApiKeyName("🔑".repeat(101))).toEqual({ ok: false, error: "tooLong" });
  });
});

describe("apiKeyStatus", () => {
  it("is unused before its first call, active after, revoked once revoked", () => {
    expect(apiKeyStatus(key({}))).toBe("unused");
    expect(apiKeyStatus(key({ lastUsedAt: "2026-12-05T11:00:00+00:00" }))).toBe("active");
    expect(apiKeyStatus(key({ revokedAt: "2026-12-05T12:00:00+00:00" }))).toBe("revoked");
    expect(apiKeyStatus(key({ lastUsedAt: "2026-12-05T11:00:00+00:00", revokedAt: "2026-12-05T12:00:00+00:00" }))).toBe("revoked");
  });
});

describe("maskedKey", () => {
  it("shows the prefix and hides the secret", () => {
    expect(maskedKey("1a2b3c4d")).toBe("mau_1a2b3c4d_…");
  });
});

describe("sortApiKeys", () => {
  it("puts live keys first, keeping the API's order within each group", () => {
    const keys = [
      key({ id: "a", revokedAt: "2026-12-05T12:00:00+00:00" }),
      key({ id: "b" }),
      key({ id: "c", revokedAt: "2026-12-05T12:00:00+00:00" }),
      key({ id: "d", lastUsedAt: "2026-12-05T11:00:00+00:00" }),
    ];
    expect(sortApiKeys(keys).map((k) => k.id)).toEqual(["b", "d", "a", "c"]);
    expect(keys.map((k) => k.id)).toEqual(["a", "b", "c", "d"]);
  });
});

describe("the attributes endpoint", () => {
  it("is the app's origin with the installation id", () => {
    expect(attributesUrl("https://mautomation.example.com", 7)).toBe("https://mautomation.example.com/api/installations/7/attributes");
    expect(attributesUrl("http://127.0.0.1:8000/", 12)).toBe("http://127.0.0.1:8000/api/installations/12/attributes");
  });

  it("has a curl example with the whole key", () => {
    expect(attributesCurl("https://mautomation.example.com", 7, "mau_1a2b3c4d_s3cr3t")).toBe(
      [
        "curl -X POST https://mautomation.example.com/api/installations/7/attributes \\",
        '  -H "Authorization: Bearer mau_1a2b3c4d_s3cr3t" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '{"email": "ada@example.com", "attributes": {"loyalty_points": 1200}}'`,
      ].join("\n"),
    );
  });
});

describe("the section's built message ids", () => {
  const catalogues = mergeCatalogues(import.meta.glob<Messages>("../i18n/*/*.json", { eager: true, import: "default" }));
  const built = [
    ...(["active", "unused", "revoked"] satisfies ApiKeyStatus[]).map((status) => `settings.apiKeys.status.${status}`),
    ...(["required", "tooLong"] as const).map((error) => `settings.apiKeys.name.${error}`),
    ...["name", "key", "created", "lastUsed", "status", "actions"].map((column) => `settings.apiKeys.column.${column}`),
  ];

  it("are in English and German", () => {
    expect(built.filter((id) => !(id in catalogues.en))).toEqual([]);
    expect(built.filter((id) => !(id in catalogues.de))).toEqual([]);
  });
});
