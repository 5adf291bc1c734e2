import { describe, expect, it } from "vitest";

import { appLocaleOf, initialLocale, resolveLocale } from "./locale";

describe("appLocaleOf", () => {
  it.each([
    ["de", "de"],
    ["de-AT", "de"],
    ["de_DE", "de"],
    ["DE", "de"],
    ["en", "en"],
    ["en-GB", "en"],
    [" de ", "de"],
  ])("%s -> %s", (code, locale) => {
    expect(appLocaleOf(code)).toBe(locale);
  });

  it.each(["fr", "pt-BR", "", null, undefined, "zh-Hans"])("%s is none of the app's", (code) => {
    expect(appLocaleOf(code)).toBeNull();
  });
});

describe("resolveLocale", () => {
  it("takes the first language the app speaks", () => {
    expect(resolveLocale(["fr", "de-CH", "en"])).toBe("de");
  });

  it("falls back to English", () => {
    expect(resolveLocale(["fr", "pl"])).toBe("en");
    expect(resolveLocale([])).toBe("en");
  });
});

describe("initialLocale", () => {
  it("inside the Dashboard follows the Dashboard, not the browser", () => {
    expect(
      initialLocale({ embedded: true, bridgeLocale: "de", queryLocale: "de", browserLanguages: ["en-US"] }),
    ).toBe("de");
    expect(
      initialLocale({ embedded: true, bridgeLocale: "en", queryLocale: null, browserLanguages: ["de-DE"] }),
    ).toBe("en");
  });

  it("inside the Dashboard shows English for a Dashboard language the app does not have", () => {
    expect(
      initialLocale({ embedded: true, bridgeLocale: "pl", queryLocale: "pl", browserLanguages: ["de"] }),
    ).toBe("en");
  });

  it("outside the Dashboard follows the query, then the browser", () => {
    expect(
      initialLocale({ embedded: false, bridgeLocale: undefined, queryLocale: null, browserLanguages: ["fr", "de-AT"] }),
    ).toBe("de");
    expect(
      initialLocale({ embedded: false, bridgeLocale: undefined, queryLocale: "en", browserLanguages: ["de-AT"] }),
    ).toBe("en");
  });
});
