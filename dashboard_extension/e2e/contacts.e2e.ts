// The contacts screens on people written by the app's own code (tests/support/e2e_contacts_seed.py):
// Ada (four EUR orders and one USD, the last credited to her click on a journey's email, a run
// with three logged steps, 22 product views, three consent ledger rows), Grace (one order;
// erased here) and Alan (no orders, consent pending, an empty ledger). Every name and email carries this run's stamp, so searching the
// stamp finds these three only.
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, growFrame, openApp, openWidget, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Person = { id: string; email: string; name: string };
type Seeded = { ada: Person; grace: Person; alan: Person; journey: string; template: string; lastOrder: string; runSteps: number };

const stamp = `s${Date.now().toString(36)}`;
let seeded: Seeded;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/contacts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the contacts failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
}, 120_000);

/** The whole page saved, then the frame back at its height: a dialog opened after a screenshot
 * is centred in the frame, and in a frame grown to a long profile it would lie below the view. */
const save = async (page: Page, app: FrameLocator, name: string) => {
  const height = await page.evaluate(() => window.e2eHost.frame.style.height);
  await saveWholePage(page, app, name);
  await page.evaluate((h) => {
    window.e2eHost.frame.style.height = h;
  }, height);
};

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** The text as shown (blocks on their own lines, joined here by spaces). */
const shown = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

/** The listed names, read at once (a row that goes while it is read is not waited for). */
const rowNames = async (app: FrameLocator) =>
  (await app.getByTestId("contact-link").allTextContents()).map((name) => name.replace(/\s+/g, " ").trim());

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

/** The page's controls and links without an accessible name (each should have one). */
const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link)\b(?! ")/.test(line));
};

const search = async (app: FrameLocator, words: string) => {
  await app.getByLabel("Search contacts").fill(words);
};

describe("contacts", () => {
  test("search and filter the list, open a profile: figures, credited last order, runs, timeline filtered and paged, export", async () => {
    const embedded = await openApp({ path: "/contacts" });
    const { app, page, host } = embedded;
    await app.getByRole("heading", { name: "Contacts", level: 1 }).waitFor();

    await search(app, stamp);
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/contacts?q=${stamp}`);
    await expect.poll(() => rowNames(app)).toEqual([seeded.alan.name, seeded.grace.name, seeded.ada.name]);
    expect(await text(app.getByTestId("contacts-range"))).toBe("1–3 of 3");

    // a filter narrows the search: only Alan's consent is pending
    await app.getByText("Filters", { exact: true }).click();
    await app.getByTestId("filter-consent-PENDING").click();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/contacts?q=${stamp}&consent=PENDING`);
    await expect.poll(() => rowNames(app)).toEqual([seeded.alan.name]);
    await save(page, app, "contacts-list.png");
    expect(await unlabelled(app)).toEqual([]);
    await app.getByTestId("filter-consent-PENDING").click();
    await expect.poll(() => rowNames(app)).toHaveLength(3);

    await search(app, seeded.ada.email);
    await expect.poll(() => rowNames(app)).toEqual([seeded.ada.name]);
    await app.getByRole("link", { name: seeded.ada.name }).click();

    await app.getByRole("heading", { name: seeded.ada.name, level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/contacts/${encodeURIComponent(seeded.ada.id)}`);
    expect(await text(app.getByTestId("contact-email"))).toBe(seeded.ada.email);
    expect(await text(app.getByTestId("contact-consent-email"))).toBe("Email: granted");
    expect(await app.getByTestId("saleor-customer-link").getAttribute("href")).toBe(`/customers/e2e-contacts-${stamp}`);
    expect(await shown(app.getByTestId("figure-orders"))).toBe("Orders 5");
    expect(await Promise.all((await app.getByTestId("spend-entry").all()).map(text))).toEqual([
      "€230.00 in 4 orders (average €57.50)",
      "$30.00 in 1 order (average $30.00)",
    ]);
    expect(await text(app.getByTestId("prediction-basis"))).toBe("5 orders, median gap 15 days (gaps: 30, 20, 10, 8)");
    expect(await shown(app.getByTestId("figure-rfm"))).toMatch(/^RFM scores R[1-5] F[1-5] M[1-5]$/);

    expect(await text(app.getByTestId("last-order-link"))).toBe(`Order #${seeded.lastOrder}`);
    expect(await text(app.getByTestId("last-order-credit"))).toMatch(
      new RegExp(`^Credited to the email “${seeded.template}” of the journey “Welcome \\(contacts ${stamp}\\)” \\(clicked on .+\\)$`),
    );

    const run = app.getByTestId("contact-run");
    await expect.poll(() => run.count()).toBe(1);
    await run.locator("summary").click();
    expect(await Promise.all((await run.getByTestId("run-step").all()).map(async (step) => (await text(step)).split(" · ").slice(1, 3)))).toEqual([
      ["mail", "entered"],
      ["mail", "send_email"],
      ["end", "exited"],
    ]);
    expect(await text(run.getByTestId("run-summary"))).toMatch(/^Ended, version 1, at end, entered .+ \(3 steps\) · exit: end$/);

    // the timeline: one type, a page of 20, then the rest
    const timeline = app.getByTestId("contact-timeline");
    await timeline.getByTestId("timeline-event").first().waitFor();
    await growFrame(page, app);
    await timeline.getByRole("combobox", { name: "Event type" }).click();
    await app.getByRole("option", { name: "Product viewed", exact: true }).click();
    await expect.poll(() => text(timeline.getByTestId("timeline-count"))).toBe("20 of 22 events");
    expect(new Set(await Promise.all((await timeline.getByTestId("timeline-event-label").all()).map(text)))).toEqual(new Set(["Product viewed"]));
    await save(page, app, "contacts-profile.png");
    expect(await unlabelled(app)).toEqual([]);
    await timeline.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => text(timeline.getByTestId("timeline-count"))).toBe("22 of 22 events");
    expect(await timeline.getByTestId("timeline-event").count()).toBe(22);
    expect(await timeline.getByRole("button", { name: "Load more" }).count()).toBe(0);
    expect(await timeline.getByTestId("timeline-day").count()).toBe(22);

    // the GDPR export: a JSON file behind a Blob link, named by the email and the day
    await app.getByRole("button", { name: "Export data (GDPR)" }).click();
    const download = app.getByTestId("export-download");
    await download.waitFor();
    const day = new Date().toISOString().slice(0, 10);
    const fileName = `contact-ada-${stamp}-contacts-example-${day}.json`;
    expect(await download.getAttribute("download")).toBe(fileName);
    expect(await text(download)).toBe(`Download ${fileName}`);
    const exported = await download.evaluate(async (a: HTMLAnchorElement) => (await fetch(a.href)).text());
    expect(exported).toContain(`"${seeded.ada.email}"`);
    expect(() => JSON.parse(exported) as unknown).not.toThrow();
    expect(embedded.errors).toEqual([]);
  });

  test("erase a contact behind a confirmation that names them, then back at the list", async () => {
    const embedded = await openApp({ path: `/contacts/${encodeURIComponent(seeded.grace.id)}` });
    const { app, page, host } = embedded;
    await app.getByRole("heading", { name: seeded.grace.name, level: 1 }).waitFor();

    await app.getByRole("button", { name: "Erase contact" }).click();
    const dialog = app.getByRole("alertdialog", { name: `Erase ${seeded.grace.name}?` });
    await dialog.waitFor();
    expect(await text(dialog.getByText(/cannot be undone/))).toBe(
      `Everything held about ${seeded.grace.name} is deleted: profile, consents, events, orders, messages and journey steps. This cannot be undone.`,
    );
    await save(page, app, "contacts-erase.png");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await notifications(embedded)).toEqual([]);

    await app.getByRole("button", { name: "Erase contact" }).click();
    await app.getByRole("button", { name: `Erase ${seeded.grace.name}` }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: `${seeded.grace.name} was erased` }]);
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/contacts");
    await app.getByRole("heading", { name: "Contacts", level: 1 }).waitFor();

    await search(app, stamp);
    await expect.poll(() => rowNames(app)).toEqual([seeded.alan.name, seeded.ada.name]);
    expect(embedded.errors).toEqual([]);
  });

  test("the customer widget links to the contact's profile in the app", async () => {
    const { app, host } = await openWidget(`e2e-contacts-${stamp}`);
    await app.getByTestId("widget-orders").waitFor();
    await app.getByRole("link", { name: "Open the full profile" }).click();
    const path = `/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}/contacts/${encodeURIComponent(seeded.ada.id)}`;
    await expect.poll(() => host.navigations()).toContainEqual({ path, how: "dashboard" });
  });

  test("enrol a contact in an active journey entered by hand, after naming both", async () => {
    const embedded = await openApp({ path: `/contacts/${encodeURIComponent(seeded.alan.id)}` });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: seeded.alan.name, level: 1 }).waitFor();
    await app.getByText("Never in a journey").waitFor();

    await app.getByRole("button", { name: "Enrol in a journey" }).click();
    const dialog = app.getByRole("dialog", { name: `Enrol ${seeded.alan.name} in a journey` });
    await dialog.getByRole("combobox", { name: "Journey (active, manual entry)" }).click();
    await app.getByRole("option", { name: seeded.journey, exact: true }).click();
    expect(await text(dialog.getByTestId("enrol-confirm-text"))).toBe(
      `${seeded.alan.name} enters “${seeded.journey}” now and its first steps run at once.`,
    );
    await save(page, app, "contacts-enrol.png");
    await dialog.getByRole("button", { name: "Enrol now" }).click();
    await expect
      .poll(() => notifications(embedded))
      .toEqual([{ status: "success", title: `${seeded.alan.name} entered “${seeded.journey}”` }]);
    await expect.poll(() => app.getByTestId("contact-run").count()).toBe(1);
    expect(await text(app.getByTestId("contact-run").locator("summary"))).toContain(seeded.journey);
    expect(embedded.errors).toEqual([]);
  });

  test("the consent ledger on a profile: newest first, with its source, text version and address", async () => {
    const embedded = await openApp({ path: `/contacts/${encodeURIComponent(seeded.ada.id)}` });
    const { app } = embedded;
    const ledger = app.getByTestId("contact-consent-ledger");
    await ledger.getByTestId("consent-ledger-row").first().waitFor();
    expect(await Promise.all((await ledger.getByRole("columnheader").all()).map(text))).toEqual([
      "When",
      "Channel",
      "Change",
      "Source",
      "Text version",
      "IP address",
    ]);
    const rows = await Promise.all(
      (await ledger.getByTestId("consent-ledger-row").all()).map(async (row) => (await Promise.all((await row.locator("td").all()).map(text))).slice(1)),
    );
    expect(rows).toEqual([
      ["SMS", "Withdrawn", "sms.stop", "None sent", "—"],
      ["Email", "Confirmed", "confirm-page", "None sent", "—"],
      ["Email", "Requested", "storefront.subscribe", "2026-06", "198.51.100.4"],
    ]);
    const days = await Promise.all((await ledger.getByTestId("consent-ledger-row").all()).map(async (row) => text(row.locator("td").first())));
    const dayAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toLocaleDateString("en-US", { month: "short", day: "numeric" });
    expect(days.map((day, index) => day.includes(dayAgo([10, 39, 40][index]!)))).toEqual([true, true, true]);
    await ledger.scrollIntoViewIfNeeded();
    await ledger.screenshot({ path: join(e2e().screenshotsDir, "contacts-ledger.png") });

    const alan = await openApp({ path: `/contacts/${encodeURIComponent(seeded.alan.id)}` });
    const empty = alan.app.getByTestId("contact-consent-ledger").getByTestId("consent-ledger-empty");
    await empty.waitFor();
    expect(await text(empty)).toBe("No consent changes recorded.");
    expect([...embedded.errors, ...alan.errors]).toEqual([]);
  });

  test("a profile in German: labels, money and dates in German notation", async () => {
    const embedded = await openApp({ path: `/contacts/${encodeURIComponent(seeded.ada.id)}`, locale: "de" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Kennzahlen", level: 2 }).waitFor();
    expect(await Promise.all((await app.getByTestId("spend-entry").all()).map(text))).toEqual([
      "230,00 € aus 4 Bestellungen (Durchschnitt 57,50 €)",
      "30,00 $ aus 1 Bestellung (Durchschnitt 30,00 $)",
    ]);
    expect(await text(app.getByTestId("prediction-basis"))).toBe("5 Bestellungen, Median-Abstand 15 Tage (Abstände: 30, 20, 10, 8)");
    expect(await text(app.getByTestId("last-order-credit"))).toMatch(/^Zugerechnet der E-Mail „.+“ der Journey „Welcome \(contacts .+\)“ \(geklickt am .+\)$/);
    await app.getByRole("button", { name: "Daten exportieren (DSGVO)" }).waitFor();
    await save(page, app, "contacts-profile-de.png");
    expect(embedded.errors).toEqual([]);
  });

  test("postal consent beside the other channels, recorded by the admin only with how the person agreed", async () => {
    const embedded = await openApp({ path: `/contacts/${encodeURIComponent(seeded.alan.id)}` });
    const { app } = embedded;
    const card = app.getByTestId("contact-postal-consent");
    await card.getByTestId("postal-consent-said").waitFor();
    expect(await text(app.getByTestId("contact-consent-postal"))).toBe("Post: not asked");
    expect(await text(card.getByTestId("postal-consent-said"))).toBe("Never asked");
    expect(await shown(card.getByTestId("postal-consent-address"))).toBe("Address for cards No address yet: cards are skipped until Saleor has one");

    await card.getByTestId("postal-consent-open").click();
    const dialog = app.getByTestId("postal-consent-dialog");
    await dialog.getByTestId("postal-consent-submit").click();
    await expect.poll(() => text(dialog)).toContain("Say how the person agreed, e.g. a signed form at the shop");
    await dialog.getByRole("textbox").fill("Signed form at the Berlin shop,\n14 June");
    await dialog.getByTestId("postal-consent-submit").click();
    await dialog.waitFor({ state: "detached" });

    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Postal consent recorded" }]);
    await expect.poll(() => text(app.getByTestId("contact-consent-postal"))).toBe("Post: granted");
    expect(await text(card.getByTestId("postal-consent-said"))).toMatch(/^Recorded by \S+@\S+: Signed form at the Berlin shop, 14 June$/);
    expect(await text(card.getByTestId("postal-consent-open"))).toBe("Record withdrawal…");
    const ledger = app.getByTestId("contact-consent-ledger");
    await ledger.getByTestId("consent-ledger-row").first().waitFor();
    const row = await Promise.all((await ledger.getByTestId("consent-ledger-row").first().locator("td").all()).map(text));
    expect(row.slice(1)).toEqual(["Post", "Confirmed", "dashboard", "None sent"]);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(e2e().screenshotsDir, "contacts-postal-consent.png") });
    expect(embedded.errors).toEqual([]);
  });
});
