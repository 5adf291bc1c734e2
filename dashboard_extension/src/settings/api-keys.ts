/** The shop's API keys on the settings screen: what the name may be (as the server checks it),
 * the status of a key, and the curl example for the attributes endpoint. */

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/** What `createApiKey` answers: the whole key, this once. */
export type CreatedApiKey = { apiKey: ApiKey; key: string; installationId: number };

/** As `saleor/api_keys.api_key_create`: 1 to 100 characters once trimmed. */
export const API_KEY_NAME_MAX = 100;

export type NameCheck = { ok: true; name: string } | { ok: false; error: "required" | "tooLong" };

export const checkApiKeyName = (raw: string): NameCheck => {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, error: "required" };
  // The server counts code points (Python's len), not UTF-16 units.
  if ([...name].length > API_KEY_NAME_MAX) return { ok: false, error: "tooLong" };
  return { ok: true, name };
};

export type ApiKeyStatus = "active" | "unused" | "revoked";

/** Revoked wins; a live key never shown to the API is "unused". */
export const apiKeyStatus = (key: Pick<ApiKey, "lastUsedAt" | "revokedAt">): ApiKeyStatus =>
  key.revokedAt !== null ? "revoked" : key.lastUsedAt === null ? "unused" : "active";

/** The key as the list shows it: its visible part only, never the secret. */
export const maskedKey = (prefix: string): string => `mau_${prefix}_…`;

/** Live keys first (newest first, as the API lists them), then the revoked ones. */
export const sortApiKeys = (keys: readonly ApiKey[]): ApiKey[] =>
  keys.map((key, index) => ({ key, index })).sort((a, b) => Number(a.key.revokedAt !== null) - Number(b.key.revokedAt !== null) || a.index - b.index).map(({ key }) => key);

/** `https://app.example.com/` -> `https://app.example.com/api/installations/7/attributes`. */
export const attributesUrl = (appOrigin: string, installationId: number): string =>
  `${appOrigin.replace(/\/+$/, "")}/api/installations/${installationId}/attributes`;

/** The docs' example (docs/programmes.md) with this shop's URL and the new key, ready to run in a
 * POSIX shell (without the optional Idempotency-Key, so running it twice is not a replay). */
export const attributesCurl = (appOrigin: string, installationId: number, key: string): string =>
  [
    `curl -X POST ${attributesUrl(appOrigin, installationId)} \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"email": "ada@example.com", "attributes": {"loyalty_points": 1200}}'`,
  ].join("\n");
