/**
 * Every message id the settings screen names (literally in its source, and built at run time)
 * exists in English and German, each one a valid ICU message with the same placeholders.
 */
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";

import { mergeCatalogues, type Messages } from "../i18n/catalogues";
import { BACKFILL_RESOURCES } from "./backfill";
import { CONSENT_CHANNELS } from "./consent-texts";
import { EMAIL_KINDS, SMTP_SECURITY } from "./provider-forms";

const catalogues = mergeCatalogues(import.meta.glob<Messages>("../i18n/*/*.json", { eager: true, import: "default" }));

const sources = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx", "!./**/*.test.ts", "../pages/settings-page.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const literal = Object.values(sources).flatMap((source) => [...source.matchAll(/"(settings\.[\w.]+)"/g)].map((m) => m[1] as string));

const built = [
  ...BACKFILL_RESOURCES.map((resource) => `settings.backfill.resource.${resource}`),
  ...["NOT_STARTED", "PENDING", "RUNNING", "DONE", "FAILED"].map((status) => `settings.backfill.status.${status}`),
  ...EMAIL_KINDS.map((kind) => `settings.email.kind.${kind}`),
  ...SMTP_SECURITY.map((security) => `settings.email.security.${security}`),
  ...["offerTitle", "url", "priority", "state", "actions"].map((column) => `settings.offers.${column}`),
  ...["email", "sms", "push"].flatMap((channel) => [
    `settings.rules.cap.${channel}`,
    `settings.rules.capCount.${channel}`,
    `settings.rules.capHours.${channel}`,
  ]),
  ...["defer", "skip"].map((action) => `settings.rules.quietAction.${action}`),
  ...CONSENT_CHANNELS.map((channel) => `settings.consent.channel.${channel}`),
];

const placeholders = (message: string) =>
  JSON.stringify(
    new IntlMessageFormat(message, "en")
      .getAst()
      .filter((element) => "value" in element && element.type !== 0)
      .map((element) => (element as { value: string }).value)
      .sort(),
  );

describe("the settings messages", () => {
  it("are found in the source", () => {
    expect(literal.length).toBeGreaterThan(100);
  });

  it.each(["en", "de"] as const)("named by the screen exist in %s", (locale) => {
    expect([...literal, ...built].filter((id) => !(id in catalogues[locale]))).toEqual([]);
  });

  it("are the same ids in English and German, with the same placeholders", () => {
    const ids = (locale: "en" | "de") => Object.keys(catalogues[locale]).filter((id) => id.startsWith("settings.")).sort();
    expect(ids("de")).toEqual(ids("en"));
    expect(ids("en").filter((id) => placeholders(catalogues.en[id] as string) !== placeholders(catalogues.de[id] as string))).toEqual([]);
  });

  it("show braces and angle brackets where they are text", () => {
    expect(new IntlMessageFormat(catalogues.en["settings.storefront.urlsHint"] as string, "en").format()).toContain("URL, which may hold {channel}");
    expect(new IntlMessageFormat(catalogues.de["settings.error.jsonObject"] as string, "de").format()).toBe('Ein JSON-Objekt, z. B. {"server_token": "…"}');
    expect(new IntlMessageFormat(catalogues.en["settings.error.address"] as string, "en").format()).toBe(
      "An email address, e.g. hi@shop.example or Shop <hi@shop.example>",
    );
  });
});
