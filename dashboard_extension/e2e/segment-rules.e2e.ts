// The rule builder on a new segment's page: every condition type picked and edited, the Saleor
// pickers answered by the stand-in Saleor's catalogue (tests/support/e2e_catalogue.py: Apple
// Juice in Juices, Monospace Tee in T-shirts with sizes S to XXL), groups of every kind, an
// invalid value on its own row and the whole definition accepted by segmentPreview.
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { describe, expect, test } from "vitest";

import { e2e, growFrame, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, name);

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** Picks an option of a macaw Select (inside `scope`) by its label. */
const choose = async (app: FrameLocator, scope: Locator, label: string, option: string | RegExp) => {
  await growFrame(scope.page(), app, 480);
  await scope.getByRole("combobox", { name: label, exact: true }).click();
  // (an option low in a scrolled list can sit outside the host page's viewport: clicked as an event)
  await app.getByRole("option", typeof option === "string" ? { name: option, exact: true } : { name: option }).dispatchEvent("click");
};

const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.getByTestId("rule-builder").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link)\b(?! ")/.test(line));
};

describe("segment rule builder", () => {
  test("every condition type, Saleor's catalogue picked by name, groups, and an error on its row", async () => {
    const embedded = await openApp({ path: "/segments/new" });
    const { app, page } = embedded;
    const builder = app.getByTestId("rule-builder");
    await builder.waitFor();
    const rows = builder.getByTestId("rule-row");
    const root = builder.getByTestId("rule-group").first();
    await expect.poll(() => rows.count()).toBe(1);

    // a profile field (a new row: "email is known"): the country in a list of values
    const first = rows.nth(0);
    expect(await first.getByTestId("row-errors").count()).toBe(0);
    await choose(app, first, "Field", "Country (ISO code) (text)");
    await choose(app, first, "Operator", "is one of");
    await first.getByLabel("Add to Values").fill("DE");
    await first.getByLabel("Add to Values").press("Enter");
    await first.getByLabel("Add to Values").fill("AT");
    await first.getByRole("button", { name: "Add", exact: true }).click();
    expect(await first.getByRole("button", { name: /^Remove (DE|AT)$/ }).count()).toBe(2);

    // an order of the tee (size M) or of anything in Juices, in the default channel, last 90 days
    await root.getByTestId("add-condition").last().click();
    const order = rows.nth(1);
    await choose(app, order, "Condition", "Orders");
    await choose(app, order, "When", "in the last N days");
    await order.getByLabel("Days", { exact: true }).fill("90");
    await choose(app, order, "Channel", "Default Channel (USD)");
    await order.getByLabel("Search products").fill("tee");
    await order.getByRole("button", { name: "Add Monospace Tee" }).click();
    await order.getByLabel("Search variants by product").fill("tee");
    await order.getByRole("button", { name: "Add Monospace Tee / M (328223581)" }).click();
    await order.getByLabel("Search categories").fill("jui");
    await order.getByRole("button", { name: "Add Juices" }).click();
    // the saved ids are shown by the names Saleor gives them (products(where: {ids:}), ...)
    await expect.poll(() => order.getByTestId("picker-product").getByTestId("picked").allTextContents()).toEqual(["Monospace TeeRemove"]);
    await expect.poll(() => order.getByTestId("picker-variant").getByTestId("picked").allTextContents()).toEqual(["Monospace Tee / M (328223581)Remove"]);
    await expect.poll(() => order.getByTestId("picker-category").getByTestId("picked").allTextContents()).toEqual(["JuicesRemove"]);

    // an event with a count and a property filter, negated (none of)
    await root.getByTestId("add-condition").last().click();
    const event = rows.nth(2);
    await choose(app, event, "Condition", "Event");
    await event.getByLabel("Event type").fill("product.viewed");
    await choose(app, event, "How often", "at least");
    await event.getByLabel("Times").fill("3");
    await event.getByTestId("add-where").click();
    const filter = event.getByTestId("where-filter");
    await filter.getByLabel("Property", { exact: true }).fill("price");
    await choose(app, filter, "Operator", "more than");
    await filter.getByLabel("Value", { exact: true }).fill("20");
    await event.getByTestId("negate-row").click();

    // a nested "any of" group: age between, spend, consent, email, birthday, attribute
    await root.getByTestId("add-group").last().click();
    const inner = builder.getByTestId("rule-group").last();
    const innerRows = inner.getByTestId("rule-row");
    await choose(app, innerRows.nth(0), "Condition", "Age");
    await choose(app, innerRows.nth(0), "Operator", "between");
    await innerRows.nth(0).getByLabel("From", { exact: true }).fill("30");
    await innerRows.nth(0).getByLabel("To", { exact: true }).fill("50");
    for (const [type, index] of [["Spend", 1], ["Email consent", 2], ["Email engagement", 3], ["Birthday soon", 4], ["Custom attribute", 5], ["Other segment", 6]] as const) {
      await inner.getByTestId("add-condition").last().click();
      await choose(app, innerRows.nth(index), "Condition", type);
    }
    await innerRows.nth(1).getByLabel("Currency").fill("eur");
    expect(await innerRows.nth(1).getByLabel("Currency").inputValue()).toBe("EUR");
    await innerRows.nth(5).getByLabel("Attribute key").fill("loyalty_tier");
    await innerRows.nth(5).getByLabel("Value", { exact: true }).fill("gold");
    await choose(app, innerRows.nth(6), "Segment", /^Champions \(/);
    await choose(app, innerRows.nth(6), "Membership", "is not in");

    // the definition is whole: the preview counts it without errors
    await expect.poll(() => app.getByTestId("segment-preview-count").getAttribute("data-freshness"), { timeout: 15_000 }).toBe("current");
    expect(await builder.getByTestId("row-errors").allTextContents()).toEqual([]);
    expect(await builder.getByTestId("rule-errors-general").count()).toBe(0);
    expect(await unlabelled(app)).toEqual([]);
    await save(page, app, "segment-rules.png");
    await rows.nth(0).screenshot({ path: join(e2e().screenshotsDir, "segment-rules-profile.png") });
    await order.screenshot({ path: join(e2e().screenshotsDir, "segment-rules-order.png") });
    await builder.getByTestId("rule-group").nth(1).screenshot({ path: join(e2e().screenshotsDir, "segment-rules-event.png") });
    await inner.screenshot({ path: join(e2e().screenshotsDir, "segment-rules-group.png") });

    // an invalid value: on its own row, its field marked
    await innerRows.nth(0).getByLabel("From", { exact: true }).fill("60");
    const refused = innerRows.nth(0).getByTestId("row-errors");
    await refused.waitFor();
    expect(await text(refused)).toBe("Value: 'between' takes [low, high] with low <= high");
    expect(await innerRows.nth(0).getAttribute("data-invalid")).toBe("true");
    expect(await builder.locator('[data-invalid="true"]').count()).toBe(1);
    await innerRows.nth(0).screenshot({ path: join(e2e().screenshotsDir, "segment-rules-error.png") });

    // removed without a question: the group and its rows are gone
    await inner.getByTestId("remove-group").click();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await builder.getByTestId("row-errors").count()).toBe(0);
    expect(embedded.errors).toEqual([]);
  });

  test("in German: the groups' wording, an order row with its pickers, a row's error", async () => {
    const embedded = await openApp({ path: "/segments/new", locale: "de" });
    const { app } = embedded;
    const builder = app.getByTestId("rule-builder");
    await builder.waitFor();
    const root = builder.getByTestId("rule-group").first();
    expect(await text(root.getByText("Kontakte, auf die zutrifft"))).toBe("Kontakte, auf die zutrifft");
    await choose(app, root, "Trifft zu bei", "keiner der folgenden");
    const row = builder.getByTestId("rule-row").first();
    await choose(app, row, "Bedingung", "Bestellungen");
    await choose(app, row, "Wie oft", "nie");
    expect(await row.getByLabel("Anzahl").count()).toBe(0);
    await choose(app, row, "Wann", "zwischen Daten");
    await row.getByLabel("Von Datum").fill("2026-02-01");
    await row.getByLabel("Bis Datum").fill("2026-01-01");
    await row.getByLabel("Produkte suchen").fill("juice");
    await row.getByRole("button", { name: "Apple Juice hinzufügen" }).click();
    await expect.poll(() => row.getByTestId("picker-product").getByTestId("picked").allTextContents()).toEqual(["Apple JuiceEntfernen"]);
    const refused = row.getByTestId("row-errors");
    await refused.waitFor();
    expect(await text(refused)).toBe("Wann: start is after end");
    expect(await unlabelled(app)).toEqual([]);
    await builder.screenshot({ path: join(e2e().screenshotsDir, "segment-rules-de.png") });
    expect(embedded.errors).toEqual([]);
  });
});
