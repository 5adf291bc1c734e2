import { describe, expect, it } from "vitest";

import { checkConsentText, type ConsentText, consentTextGroups, EMPTY_CONSENT_TEXT } from "./consent-texts";

const text = (over: Partial<ConsentText>): ConsentText => ({
  channel: "EMAIL",
  language: "en",
  version: "v1",
  text: "Send me the newsletter.",
  createdAt: "2026-06-01T09:00:00+00:00",
  current: false,
  ...over,
});

describe("checkConsentText", () => {
  it("sends the new version with the language as the API keeps it", () => {
    expect(checkConsentText({ channel: "SMS", language: " de_AT ", version: " 2026-06 ", consentText: " Texts, please \n" })).toEqual({
      ok: true,
      changed: ["channel", "language", "version", "consentText"],
      input: { channel: "SMS", language: "de-at", version: "2026-06", text: "Texts, please" },
    });
  });

  it("refuses each bad field at that field", () => {
    expect(checkConsentText({ ...EMPTY_CONSENT_TEXT, language: "english!", version: "june 2026" })).toEqual({
      ok: false,
      errors: {
        language: { id: "settings.consent.error.language" },
        version: { id: "settings.consent.error.version", values: { max: 64 } },
        consentText: { id: "settings.consent.error.text", values: { max: 10000 } },
      },
    });
    expect(checkConsentText({ ...EMPTY_CONSENT_TEXT, version: "x".repeat(65), consentText: "ok" })).toMatchObject({ ok: false, errors: { version: { id: "settings.consent.error.version" } } });
  });
});

describe("consentTextGroups", () => {
  it("groups by channel then language, the current version first", () => {
    const groups = consentTextGroups([
      text({ channel: "SMS", version: "sms-1", current: true }),
      text({ version: "v1", createdAt: "2026-06-01T09:00:00+00:00" }),
      text({ language: "de", version: "de-1", current: true }),
      text({ version: "v2", createdAt: "2026-06-03T09:00:00+00:00", current: true }),
    ]);
    expect(groups.map((g) => [g.channel, g.language, g.versions.map((v) => v.version)])).toEqual([
      ["EMAIL", "de", ["de-1"]],
      ["EMAIL", "en", ["v2", "v1"]],
      ["SMS", "en", ["sms-1"]],
    ]);
  });

  it("is empty without texts", () => {
    expect(consentTextGroups([])).toEqual([]);
  });
});
