import { describe, expect, it } from "vitest";

import {
  attributionForm,
  checkAttribution,
  checkLifecycle,
  checkRules,
  checkSender,
  checkStorefront,
  lifecycleForm,
  parseStorefrontUrls,
  parseThresholds,
  rulesForm,
  senderForm,
  storefrontForm,
  thresholdsText,
} from "./app-forms";
import { appSettings } from "./fixtures/settings";

describe("sending rules", () => {
  const initial = rulesForm(appSettings());

  it("reads the API's values as the form's texts, a channel without its own cap empty", () => {
    expect(initial).toEqual({
      capCount: "1",
      capHours: "16",
      smsCapCount: "1",
      smsCapHours: "72",
      pushCapCount: "",
      pushCapHours: "",
      quietStartHour: "21",
      quietEndHour: "8",
      quietAction: "defer",
    });
  });

  it("sends only what changed", () => {
    expect(checkRules(initial, { ...initial, quietStartHour: "22", capCount: "2" })).toEqual({
      ok: true,
      changed: ["capCount", "quietStartHour"],
      input: { capCount: 2, quietStartHour: 22 },
    });
  });

  it("sends the channel caps as a whole when one of them changed", () => {
    expect(checkRules(initial, { ...initial, pushCapCount: "3", pushCapHours: "24" })).toEqual({
      ok: true,
      changed: ["pushCapCount", "pushCapHours"],
      input: { channelCaps: { sms: [1, 72], push: [3, 24] } },
    });
    expect(checkRules(initial, { ...initial, smsCapCount: "", smsCapHours: "" })).toEqual({
      ok: true,
      changed: ["smsCapCount", "smsCapHours"],
      input: { channelCaps: {} },
    });
  });

  it("sends nothing when nothing changed", () => {
    expect(checkRules(initial, { ...initial })).toEqual({ ok: true, changed: [], input: {} });
  });

  it("refuses values out of the API's bounds, each at its field", () => {
    expect(checkRules(initial, { ...initial, quietStartHour: "24", capHours: "0", smsCapCount: "101", quietAction: "later" })).toEqual({
      ok: false,
      errors: {
        quietStartHour: { id: "settings.error.range", values: { low: 0, high: 23 } },
        capHours: { id: "settings.error.range", values: { low: 1, high: 720 } },
        smsCapCount: { id: "settings.error.range", values: { low: 0, high: 100 } },
        quietAction: { id: "settings.error.quietAction" },
      },
    });
    expect(checkRules(initial, { ...initial, capCount: "1.5" })).toEqual({
      ok: false,
      errors: { capCount: { id: "settings.error.wholeNumber", values: { low: 0, high: 100 } } },
    });
  });

  it("wants a channel's count and window together", () => {
    expect(checkRules(initial, { ...initial, pushCapCount: "2" })).toEqual({
      ok: false,
      errors: { pushCapHours: { id: "settings.error.capPair" } },
    });
  });

  it("wants both quiet hours, and cannot take them away (the API keeps what it is not given)", () => {
    expect(checkRules(initial, { ...initial, quietEndHour: "" })).toEqual({
      ok: false,
      errors: { quietEndHour: { id: "settings.error.quietBoth" } },
    });
    const none = rulesForm({ ...appSettings(), quietStartHour: null, quietEndHour: null });
    expect(checkRules(none, { ...none })).toEqual({ ok: true, changed: [], input: {} });
    expect(checkRules(none, { ...none, quietStartHour: "22" })).toEqual({
      ok: false,
      errors: { quietEndHour: { id: "settings.error.quietBoth" } },
    });
  });
});

describe("lifecycle and thresholds", () => {
  const initial = lifecycleForm(appSettings());

  it("shows spend thresholds a currency a line", () => {
    expect(initial.spendThresholds).toBe("EUR 500, 1000\nUSD 250");
    expect(thresholdsText({})).toBe("");
  });

  it("parses threshold lines back into the API's map", () => {
    expect(parseThresholds("eur: 500 1000\n\nCHF 99.50")).toEqual({ EUR: ["500", "1000"], CHF: ["99.50"] });
    expect(parseThresholds("")).toEqual({});
    expect(parseThresholds("EUR 500\nEURO 5")).toEqual({ id: "settings.error.thresholdLine", values: { line: 2, value: "EURO 5" } });
    expect(parseThresholds("EUR 0")).toEqual({ id: "settings.error.thresholdLine", values: { line: 1, value: "EUR 0" } });
    expect(parseThresholds("EUR 1\nEUR 2")).toEqual({ id: "settings.error.thresholdLine", values: { line: 2, value: "EUR 2" } });
  });

  it("sends the changed fields as numbers and maps", () => {
    expect(checkLifecycle(initial, { ...initial, lapsingAfterDays: "90", spendThresholds: "EUR 500, 1000\nUSD 250, 750" })).toEqual({
      ok: true,
      changed: ["lapsingAfterDays", "spendThresholds"],
      input: { lapsingAfterDays: 90, spendThresholds: { EUR: ["500", "1000"], USD: ["250", "750"] } },
    });
  });

  it("mirrors the README's bounds", () => {
    expect(
      checkLifecycle(initial, {
        ...initial,
        lapsedAfterDays: "100",
        vipMinOrders: "1",
        checkoutAbandonedAfterMinutes: "10",
        browseWindowHours: "169",
      }),
    ).toEqual({
      ok: false,
      errors: {
        lapsedAfterDays: { id: "settings.error.lapsedAfterLapsing" },
        vipMinOrders: { id: "settings.error.range", values: { low: 2, high: 2147483647 } },
        checkoutAbandonedAfterMinutes: { id: "settings.error.range", values: { low: 15, high: 4320 } },
        browseWindowHours: { id: "settings.error.range", values: { low: 1, high: 168 } },
      },
    });
    expect(checkLifecycle(initial, { ...initial, browseAbandonedAfterMinutes: "120", browseWindowHours: "2" })).toEqual({
      ok: false,
      errors: { browseAbandonedAfterMinutes: { id: "settings.error.browseWithinWindow" } },
    });
  });
});

describe("storefront", () => {
  const initial = storefrontForm(appSettings());

  it("shows origins and URLs a line each", () => {
    expect(initial).toEqual({
      storefrontOrigins: "https://shop.example",
      storefrontUrls: "* https://shop.example/{channel}\nb2b https://b2b.example",
      dashboardOrigins: "https://linden.eu.saleor.cloud",
      metadataKeys: { email_consent: "marketing_consent", birthday: "birthday" },
    });
  });

  it("parses URL lines per channel", () => {
    expect(parseStorefrontUrls("* https://shop.example/{channel}\nde https://de.shop.example")).toEqual({
      "*": "https://shop.example/{channel}",
      de: "https://de.shop.example",
    });
    expect(parseStorefrontUrls("de ftp://x.example")).toEqual({
      id: "settings.error.storefrontUrlLine",
      values: { line: 1, value: "de ftp://x.example" },
    });
  });

  it("sends changed origins normalised, and refuses a URL where an origin belongs", () => {
    expect(checkStorefront(initial, { ...initial, storefrontOrigins: "https://shop.example\nHTTPS://WWW.Shop.example/" })).toEqual({
      ok: true,
      changed: ["storefrontOrigins"],
      input: { storefrontOrigins: ["https://shop.example", "https://www.shop.example"] },
    });
    expect(checkStorefront(initial, { ...initial, dashboardOrigins: "https://a.example/dashboard" })).toEqual({
      ok: false,
      errors: { dashboardOrigins: { id: "settings.error.origin", values: { line: 1, value: "https://a.example/dashboard" } } },
    });
  });

  it("wants every metadata key", () => {
    expect(checkStorefront(initial, { ...initial, metadataKeys: { email_consent: " ", birthday: "birthday" } })).toEqual({
      ok: false,
      errors: { metadataKeys: { id: "settings.error.metadataKey", values: { key: "email_consent" } } },
    });
  });
});

describe("sender and attribution", () => {
  it("checks the sender's name and addresses", () => {
    const initial = senderForm(appSettings());
    expect(checkSender(initial, { ...initial, replyTo: "Help <help@linden.example>" })).toEqual({
      ok: true,
      changed: ["replyTo"],
      input: { replyTo: "Help <help@linden.example>" },
    });
    expect(checkSender(initial, { senderName: 'The "Shop"', fromEmail: "nobody", replyTo: "" })).toEqual({
      ok: false,
      errors: { senderName: { id: "settings.error.senderName" }, fromEmail: { id: "settings.error.address" } },
    });
  });

  it("sends the attribution's changed windows under attribution", () => {
    const initial = attributionForm(appSettings());
    expect(checkAttribution(initial, { ...initial, openDays: "0", clickOnly: true })).toEqual({
      ok: true,
      changed: ["openDays", "clickOnly"],
      input: { attribution: { openDays: 0, clickOnly: true } },
    });
    expect(checkAttribution(initial, { ...initial, clickDays: "91" })).toEqual({
      ok: false,
      errors: { clickDays: { id: "settings.error.range", values: { low: 0, high: 90 } } },
    });
  });
});
