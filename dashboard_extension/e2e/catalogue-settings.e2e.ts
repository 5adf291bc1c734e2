// The catalogue on the settings screen against the real app: the full sync's counts as the API
// gives them and "Sync again" after a confirmation; a product URL pattern typed with its example
// URL shown as it is typed, saved, then a pattern that is no URL saved and refused by the API at
// its row with nothing stored; the webhooks brought in line with the report shown; the same
// section in German. The catalogue settings are put back afterwards (the files share the app's
// database).
import { join } from "node:path";

import type { FrameLocator, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, graphql, growFrame, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const SETTINGS = `query E2ECatalogueSettings { catalogueSettings { productUrlPatterns lowStockThreshold consumableProductTypes } }`;
const SYNC = `query E2ECatalogueSync { catalogueSync { number status phase categories collections products total variants error updatedAt } }`;
const WEBHOOKS_SYNC = `mutation E2EWebhooksSync { webhooksSync { report { created updated extra inLine errors } } }`;
const PHASES: Record<string, string> = {
  CATEGORIES: "reading categories",
  COLLECTIONS: "reading collections",
  PRODUCTS: "reading products",
  SWEEP: "removing what Saleor no longer has",
  DONE: "done",
};

type Settings = { productUrlPatterns: Record<string, string>; lowStockThreshold: number; consumableProductTypes: string[] };
type Sync = {
  number: number;
  status: string;
  phase: string;
  categories: number;
  collections: number;
  products: number;
  total: number | null;
  variants: number;
  error: string | null;
  updatedAt: string;
};
type Report = { created: string[]; updated: string[]; extra: string[]; inLine: number; errors: string[] };

const stored = async () => (await graphql<{ catalogueSettings: Settings }>(SETTINGS)).data!.catalogueSettings;
const latestSync = async () => (await graphql<{ catalogueSync: Sync | null }>(SYNC)).data!.catalogueSync;

let before: Settings;

beforeAll(async () => {
  before = await stored();
});

afterAll(async () => {
  await graphql(`mutation E2ERestoreCatalogue($input: CatalogueSettingsInput!) { updateCatalogueSettings(input: $input) { settings { lowStockThreshold } } }`, {
    input: before,
  });
});

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").trim();
const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const openCatalogue = async (locale = "en") => {
  const embedded = await openApp({ path: "/settings", locale });
  await embedded.app.getByTestId("settings-section-catalogue").waitFor();
  return embedded;
};

/** The sync settled: no sync of the installation is pending or running (the installation's
 * first one, started with the backfill, or one a test started). */
const syncSettled = async (): Promise<Sync> => {
  let sync: Sync | null = null;
  await expect
    .poll(
      async () => {
        sync = await latestSync();
        return sync?.status;
      },
      { timeout: 60_000, interval: 500 },
    )
    .toMatch(/^(DONE|FAILED)$/);
  return sync as unknown as Sync;
};

const pattern = (app: FrameLocator, row: number) => app.getByTestId(`catalogue-pattern-input-${row}`);
const example = (app: FrameLocator, row: number) => app.getByTestId(`catalogue-pattern-example-${row}`);

describe("the catalogue in the settings", () => {
  test("a pattern's example as it is typed, saved, then a pattern that is no URL refused at its row", async () => {
    // given: no product URL patterns
    await graphql(`mutation E2ENoPatterns { updateCatalogueSettings(input: { productUrlPatterns: {} }) { settings { lowStockThreshold } } }`);
    const embedded = await openCatalogue();
    const { app, page } = embedded;
    const form = app.getByTestId("settings-section-catalogue");
    await form.getByTestId("catalogue-patterns-none").waitFor();
    expect(await text(form.getByTestId("catalogue-placeholders"))).toContain("{channel} (the channel's slug), {slug} (the product's slug), {id}");

    // when: a pattern for every other channel typed
    await form.getByTestId("catalogue-pattern-add").click();
    expect(await text(example(app, 0))).toBe("Give a URL such as https://shop.example/{channel}/products/{slug}");
    await pattern(app, 0).fill("https://shop.example/{channel}/products/{slug}?variant={variant_id}");

    // then: the example is the sample product's URL in the one channel Saleor has
    expect(await text(example(app, 0))).toBe(
      "Example: https://shop.example/default-channel/products/monospace-tee?variant=UHJvZHVjdFZhcmlhbnQ6MjAx",
    );
    await pattern(app, 0).fill("https://shop.example/{channel}/products/{slug}");
    expect(await text(example(app, 0))).toBe("Example: https://shop.example/default-channel/products/monospace-tee");

    // and a second row is for the next channel no row names
    await form.getByTestId("catalogue-pattern-add").click();
    expect(await app.getByTestId("catalogue-pattern").nth(1).getAttribute("data-channel")).toBe("default-channel");
    await pattern(app, 1).fill("https://us.shop.example/p/{id}");
    expect(await text(example(app, 1))).toBe("Example: https://us.shop.example/p/UHJvZHVjdDo3Mg%3D%3D");
    await form.getByTestId("settings-field-lowStockThreshold").fill("3");
    await form.getByTestId("settings-save-catalogue").click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Catalogue settings saved" }]);
    expect(await stored()).toEqual({
      productUrlPatterns: { "*": "https://shop.example/{channel}/products/{slug}", "default-channel": "https://us.shop.example/p/{id}" },
      lowStockThreshold: 3,
      consumableProductTypes: before.consumableProductTypes,
    });
    await growFrame(page, app);
    await screenshot(page, "saved");

    // when: the channel's pattern made one that is no URL, and saved
    await pattern(app, 1).fill("us.shop.example/p/{id}");
    expect(await text(example(app, 1))).toBe("No example: this is not an http(s) URL");
    const savedBefore = await stored();
    await form.getByTestId("settings-save-catalogue").click();

    // then: the API's refusal at that row, the other row untouched, nothing stored
    await expect.poll(() => pattern(app, 1).getAttribute("aria-invalid")).toBe("true");
    expect(await pattern(app, 0).getAttribute("aria-invalid")).toBe("false");
    const refusal = "Refused by the app: The pattern of default-channel is not an http(s) URL with only the placeholders {channel}, {slug}, {id}, {variant_id}: 'us.shop.example/p/{id}'";
    expect(await form.getByText(refusal, { exact: true }).count()).toBe(1);
    expect(await app.getByTestId("catalogue-pattern").nth(1).getByText(refusal, { exact: true }).count()).toBe(1);
    await expect.poll(() => notifications(embedded)).toEqual([
      { status: "success", title: "Catalogue settings saved" },
      { status: "error", title: "Not saved" },
    ]);
    expect(await stored()).toEqual(savedBefore);
    await growFrame(page, app);
    await screenshot(page, "refused");
    await form.screenshot({ path: join(e2e().screenshotsDir, "catalogue-settings-refused-section.png") });

    // and: a value the form itself refuses (a threshold out of bounds) is held back at its field
    await form.getByTestId("settings-field-lowStockThreshold").fill("-1");
    await form.getByTestId("settings-save-catalogue").click();
    await expect.poll(() => form.getByTestId("settings-field-lowStockThreshold").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByText("From 0 to 1000000", { exact: true }).count()).toBe(1);
    expect(embedded.apiCalls.filter((c) => c.operationName === "SettingsUpdateCatalogueSettings").length).toBe(2);
    expect(embedded.errors).toEqual([]);
  });

  test("the sync's state and counts as the API gives them, and the sync started again after a confirmation", async () => {
    const first = await syncSettled();
    // the stand-in Saleor answers the full sync with the captured products (tests/support/
    // e2e_catalogue.py): it completes with their categories, products and variants
    expect(first).toMatchObject({ status: "DONE", categories: 2, collections: 0, products: 2, total: 2, variants: 6 });
    const embedded = await openCatalogue();
    const { app, page } = embedded;
    const sync = app.getByTestId("settings-section-catalogue-sync");
    const shown = async (run: Sync) => {
      const state = run.status === "DONE" ? "Complete" : `Stopped · ${PHASES[run.phase]}`;
      await expect.poll(() => text(sync.getByTestId("catalogue-sync-state")), { timeout: 15_000 }).toBe(`Sync ${run.number} · ${state}`);
      expect(await text(sync.getByTestId("catalogue-sync-counts"))).toBe(
        `Categories: ${run.categories} · Collections: ${run.collections} · Products: ${run.products}${run.total === null ? "" : ` of ${run.total}`} · Variants: ${run.variants}`,
      );
      if (run.status === "DONE") expect(await text(sync.getByTestId("catalogue-sync-when"))).toMatch(/^Last complete sync /);
      expect(await sync.getByTestId("catalogue-sync-error").count()).toBe(run.error ? 1 : 0);
      if (run.error) expect(await text(sync.getByTestId("catalogue-sync-error"))).toBe(run.error);
    };
    await shown(first);
    await sync.screenshot({ path: join(e2e().screenshotsDir, "catalogue-sync-section.png") });

    // when: "Sync again", confirmed
    expect(await sync.getByTestId("catalogue-restart").isDisabled()).toBe(false);
    await sync.getByTestId("catalogue-restart").click();
    await app.getByRole("alertdialog", { name: "Sync the catalogue again?" }).waitFor();
    await screenshot(page, "confirm");
    await app.getByTestId("confirm-dialog-confirm").click();

    // then: the API took it, a sync ran again (a failed one starts over under its number), and
    // the section shows where it ended
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "The catalogue sync has started again" }]);
    expect(embedded.apiCalls.filter((c) => c.operationName === "SettingsRestartCatalogueSync").map((c) => c.status)).toEqual([200]);
    const second = await syncSettled();
    expect(second.number).toBe(first.status === "DONE" ? first.number + 1 : first.number);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    await shown(second);
    // the bar: products read of Saleor's count; nothing before the products, all once past them
    const percent =
      second.status === "DONE" || second.phase === "SWEEP"
        ? "100"
        : second.phase !== "PRODUCTS"
          ? "0"
          : second.total
            ? String(Math.floor((second.products / second.total) * 100))
            : null;
    expect(await sync.getByTestId("catalogue-sync-progress").getAttribute("aria-valuenow")).toBe(percent);
    await screenshot(page, "synced");
    expect(embedded.errors).toEqual([]);
  });

  test("the webhooks brought in line, with Saleor's answer shown", async () => {
    const embedded = await openCatalogue();
    const { app } = embedded;
    const line = app.getByTestId("settings-section-webhooks");
    await line.getByTestId("webhooks-sync").click();
    const result = line.getByTestId("webhooks-result");
    await result.waitFor({ timeout: 30_000 });
    await growFrame(embedded.page, app);
    await line.screenshot({ path: join(e2e().screenshotsDir, "catalogue-webhooks-section.png") });

    // then: what the page shows is the report the API gives (asked again: the same stand-in
    // Saleor answers the same)
    const { data } = await graphql<{ webhooksSync: { report: Report } }>(WEBHOOKS_SYNC);
    const report = data!.webhooksSync.report;
    const outcome = report.errors.length ? "failed" : report.created.length || report.updated.length ? "changed" : "inLine";
    expect(await result.getAttribute("data-outcome")).toBe(outcome);
    const headline = {
      failed: `Saleor refused (some of) it: created ${report.created.length}, updated ${report.updated.length}, ${report.inLine} in line.`,
      changed: `Created ${report.created.length}, updated ${report.updated.length}, ${report.inLine} in line already.`,
      inLine: `All ${report.inLine} webhooks were in line already.`,
    }[outcome];
    expect(await text(result.getByTestId("webhooks-headline"))).toBe(headline);
    expect(await Promise.all((await result.getByTestId("webhooks-error").all()).map(text))).toEqual(report.errors);
    await expect.poll(() => notifications(embedded)).toEqual([
      outcome === "failed" ? { status: "error", title: "Not every webhook could be brought in line" } : { status: "success", title: "Webhooks are in line" },
    ]);
    expect(embedded.errors).toEqual([]);
  });

  test("in German: the placeholders, the example and a refusal", async () => {
    await graphql(`mutation E2EGermanPatterns($input: CatalogueSettingsInput!) { updateCatalogueSettings(input: $input) { settings { lowStockThreshold } } }`, {
      input: { productUrlPatterns: { "*": "https://shop.example/{channel}/{slug}" } },
    });
    const embedded = await openCatalogue("de");
    const { app, page } = embedded;
    const form = app.getByTestId("settings-section-catalogue");
    await form.getByRole("heading", { name: "Katalogeinstellungen" }).waitFor();
    expect(await text(example(app, 0))).toBe("Beispiel: https://shop.example/default-channel/monospace-tee");
    await pattern(app, 0).fill("https://shop.example/{sku}");
    expect(await text(example(app, 0))).toBe("Kein Beispiel: {sku} ist kein Platzhalter");
    await form.getByTestId("settings-save-catalogue").click();
    await expect.poll(() => pattern(app, 0).getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByText(/^Von der App abgelehnt: The pattern of \* is not an http\(s\) URL/).count()).toBe(1);
    await growFrame(page, app);
    await screenshot(page, "refused-de");
    await form.screenshot({ path: join(e2e().screenshotsDir, "catalogue-settings-refused-section-de.png") });
    await app.getByTestId("settings-section-catalogue-sync").screenshot({ path: join(e2e().screenshotsDir, "catalogue-sync-section-de.png") });
    expect(embedded.errors).toEqual([]);
  });
});
