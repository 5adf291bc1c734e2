import { describe, expect, it } from "vitest";

import { locateRefusal } from "./api-errors";
import {
  type CatalogueSync,
  catalogueForm,
  catalogueRestartRefused,
  catalogueSyncActive,
  catalogueSyncPercent,
  checkCatalogue,
  errorRow,
  exampleChannel,
  exampleUrl,
  lastCompleteSync,
  patternRows,
  refusedRow,
  webhooksOutcome,
} from "./catalogue";

const sync = (over: Partial<CatalogueSync>): CatalogueSync => ({
  number: 2,
  status: "RUNNING",
  phase: "PRODUCTS",
  total: 84,
  categories: 12,
  collections: 0,
  products: 21,
  variants: 63,
  skipped: 0,
  deleted: 0,
  error: null,
  startedAt: "2026-12-05T10:00:00+00:00",
  finishedAt: null,
  updatedAt: "2026-12-05T10:01:00+00:00",
  ...over,
});

const form = catalogueForm({
  productUrlPatterns: { "default-channel": "https://de.shop.example/p/{slug}", "*": "https://shop.example/{channel}/products/{slug}" },
  lowStockThreshold: 5,
  consumableProductTypes: ["Juice"],
});

describe("the catalogue sync", () => {
  it("shows the products' share read while reading products, all once past them", () => {
    expect(catalogueSyncPercent(sync({}))).toBe(25);
    expect(catalogueSyncPercent(sync({ phase: "CATEGORIES", total: null }))).toBe(0);
    expect(catalogueSyncPercent(sync({ total: null }))).toBeNull();
    expect(catalogueSyncPercent(sync({ phase: "SWEEP", products: 84 }))).toBe(100);
    expect(catalogueSyncPercent(sync({ status: "FAILED", products: 40 }))).toBe(47);
    expect(catalogueSyncPercent(sync({ total: 0, products: 0 }))).toBe(100);
  });

  it("polls and refuses a restart while a sync is written to within the lease", () => {
    const now = new Date("2026-12-05T10:03:00Z");
    expect(catalogueSyncActive(null)).toBe(false);
    expect(catalogueSyncActive(sync({}))).toBe(true);
    expect(catalogueRestartRefused(sync({}), now)).toBe(true);
    // a worker that stopped writing 6 minutes ago: the API restarts it
    expect(catalogueRestartRefused(sync({ updatedAt: "2026-12-05T09:57:00+00:00" }), now)).toBe(false);
    expect(catalogueRestartRefused(sync({ status: "DONE", phase: "DONE" }), now)).toBe(false);
    expect(catalogueRestartRefused(null, now)).toBe(false);
  });

  it("tells the last complete sync only of one that completed", () => {
    expect(lastCompleteSync(sync({ status: "DONE", phase: "DONE", finishedAt: "2026-12-05T10:05:00+00:00" }))).toBe("2026-12-05T10:05:00+00:00");
    expect(lastCompleteSync(sync({ status: "FAILED", finishedAt: "2026-12-05T10:05:00+00:00" }))).toBeNull();
    expect(lastCompleteSync(null)).toBeNull();
  });
});

describe("product URL patterns", () => {
  it("lists every other channel first, then the channels by slug", () => {
    expect(patternRows({ "uk-channel": "https://uk/{slug}", "*": "https://all/{slug}", "de-channel": "https://de/{slug}" }).map((r) => r.channel)).toEqual([
      "*",
      "de-channel",
      "uk-channel",
    ]);
    expect(patternRows(null)).toEqual([]);
  });

  it("fills the example as the app fills a URL, each value percent-encoded", () => {
    expect(exampleUrl("https://shop.example/{channel}/products/{slug}?v={variant_id}#{id}", "default-channel")).toEqual({
      url: "https://shop.example/default-channel/products/monospace-tee?v=UHJvZHVjdFZhcmlhbnQ6MjAx#UHJvZHVjdDo3Mg%3D%3D",
    });
    expect(exampleUrl("  https://shop.example/p/{slug}  ", "x", { slug: "tee & mug", id: "P", variantId: "V" })).toEqual({
      url: "https://shop.example/p/tee%20%26%20mug",
    });
  });

  it("says what the API would refuse in a pattern", () => {
    expect(exampleUrl("  ", "c")).toEqual({ problem: "empty" });
    expect(exampleUrl("shop.example/{slug}", "c")).toEqual({ problem: "notHttp" });
    expect(exampleUrl("ftp://shop.example/{slug}", "c")).toEqual({ problem: "notHttp" });
    expect(exampleUrl("https://shop.example/{sku}", "c")).toEqual({ problem: "unknownPlaceholder", detail: "{sku}" });
    expect(exampleUrl("https://shop.example/{slug", "c")).toEqual({ problem: "unknownPlaceholder", detail: "{" });
    expect(exampleUrl(`https://shop.example/${"a".repeat(480)}`, "c")).toEqual({ problem: "tooLong" });
  });

  it("shows every other channel's example for the first channel no row names", () => {
    const rows = [{ channel: "*", pattern: "" }, { channel: "default-channel", pattern: "" }];
    expect(exampleChannel(rows[0]!, rows, ["default-channel", "channel-pln"])).toBe("channel-pln");
    expect(exampleChannel(rows[0]!, rows, [])).toBe("default-channel");
    expect(exampleChannel(rows[1]!, rows, ["channel-pln"])).toBe("default-channel");
  });

  it("finds the row the API's refusal names", () => {
    const rows = [{ channel: "*", pattern: "a" }, { channel: "channel-pln", pattern: "b" }];
    expect(
      refusedRow("The pattern of channel-pln is not an http(s) URL with only the placeholders {channel}, {slug}, {id}, {variant_id}: 'b'", rows),
    ).toBe(1);
    expect(refusedRow("The pattern of * is longer than 500 characters", rows)).toBe(0);
    expect(refusedRow("Not a channel slug: ' '", [{ channel: " ", pattern: "x" }])).toBe(0);
    expect(refusedRow("productUrlPatterns is an object of at most 100 channel slugs", rows)).toBeNull();
    expect(refusedRow("The pattern of uk is not text", rows)).toBeNull();
  });
});

describe("checkCatalogue", () => {
  it("sends only what changed, as the API takes it", () => {
    const changed = {
      ...form,
      patterns: [...form.patterns, { channel: " channel-pln ", pattern: " https://pl.shop.example/{slug} " }],
      consumableProductTypes: "Juice\n Coffee \nJuice\n",
    };
    expect(checkCatalogue(form, changed)).toEqual({
      ok: true,
      changed: ["patterns", "consumableProductTypes"],
      input: {
        productUrlPatterns: {
          "*": "https://shop.example/{channel}/products/{slug}",
          "default-channel": "https://de.shop.example/p/{slug}",
          "channel-pln": "https://pl.shop.example/{slug}",
        },
        consumableProductTypes: ["Juice", "Coffee"],
      },
    });
    expect(checkCatalogue(form, { ...form, lowStockThreshold: "0" })).toEqual({ ok: true, changed: ["lowStockThreshold"], input: { lowStockThreshold: 0 } });
    expect(checkCatalogue(form, form)).toEqual({ ok: true, changed: [], input: {} });
  });

  it("sends no pattern at all when the last one is removed", () => {
    expect(checkCatalogue(form, { ...form, patterns: [] })).toEqual({ ok: true, changed: ["patterns"], input: { productUrlPatterns: {} } });
  });

  it("refuses a row without channel or pattern, a channel twice, and numbers out of bounds, at their field", () => {
    const checked = checkCatalogue(form, {
      patterns: [...form.patterns, { channel: "default-channel", pattern: "https://x/{slug}" }],
      lowStockThreshold: "1000001",
      consumableProductTypes: "x".repeat(251),
    });
    expect(checked).toEqual({
      ok: false,
      errors: {
        patterns: { id: "settings.catalogue.error.twice", values: { row: 3, channel: "default-channel" } },
        lowStockThreshold: { id: "settings.error.range", values: { low: 0, high: 1_000_000 } },
        consumableProductTypes: { id: "settings.catalogue.error.typeTooLong", values: { max: 250 } },
      },
    });
    expect(checkCatalogue(form, { ...form, patterns: [{ channel: "*", pattern: " " }] })).toEqual({
      ok: false,
      errors: { patterns: { id: "settings.catalogue.error.noPattern", values: { row: 1 } } },
    });
    expect(checkCatalogue(form, { ...form, patterns: [{ channel: "", pattern: "https://x" }], lowStockThreshold: "2.5" })).toEqual({
      ok: false,
      errors: {
        patterns: { id: "settings.catalogue.error.noChannel", values: { row: 1 } },
        lowStockThreshold: { id: "settings.error.wholeNumber", values: { low: 0, high: 1_000_000 } },
      },
    });
  });

  it("leaves a pattern that is not a URL to the API, whose refusal lands at its row", () => {
    const typed = { ...form, patterns: [{ channel: "*", pattern: "shop.example/{slug}" }] };
    expect(checkCatalogue(form, typed)).toMatchObject({ ok: true, input: { productUrlPatterns: { "*": "shop.example/{slug}" } } });
    const located = locateRefusal(
      { code: "INVALID_URL_PATTERN", message: "The pattern of * is not an http(s) URL with only the placeholders {channel}, {slug}, {id}, {variant_id}: 'shop.example/{slug}'" },
      Object.keys(typed),
    );
    expect(located.field).toBe("patterns");
    expect(errorRow(located.error, typed.patterns)).toBe(0);
    expect(errorRow({ id: "settings.catalogue.error.noPattern", values: { row: 2 } }, typed.patterns)).toBe(1);
    expect(locateRefusal({ code: "INVALID_LOW_STOCK_THRESHOLD", message: "lowStockThreshold is between 0 and 1000000" }, Object.keys(typed)).field).toBe(
      "lowStockThreshold",
    );
    expect(locateRefusal({ code: "INVALID_PRODUCT_TYPES", message: "…" }, Object.keys(typed)).field).toBe("consumableProductTypes");
  });
});

describe("webhooksOutcome", () => {
  it("tells in line, changed and refused apart", () => {
    const report = { created: [], updated: [], extra: ["Old"], inLine: 41, errors: [] };
    expect(webhooksOutcome(report)).toBe("inLine");
    expect(webhooksOutcome({ ...report, created: ["Product updated"] })).toBe("changed");
    expect(webhooksOutcome({ ...report, created: ["Product updated"], errors: ["Product deleted: refused"] })).toBe("failed");
  });
});
