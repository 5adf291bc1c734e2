// The imports page against the real app and its worker: a contacts file with one bad row is
// previewed (the error on that row, at its column), imported, and its counts and skipped row
// shown; then a consents file, refused until its source is named, is imported and its consent
// found on the contact's ledger through the API (source "import", the admin's name in its
// details, the file's date). Every address carries this run's stamp.

import type { FrameLocator, Locator, Page } from "playwright-core";
import { describe, expect, test } from "vitest";

import { type Embedded, graphql, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

const stamp = `s${Date.now().toString(36)}`;
const ada = `ada.${stamp}@imports.test`;
const grace = `grace.${stamp}@imports.test`;
const contactsFile = `contacts-${stamp}.csv`;
const CONTACTS = `\ufeffEmail Address;First Name;Last Name;Country;Loyalty Tier\r\n${ada};Ada;Lovelace;GB;gold\r\nbroken-${stamp};Bo;;DE;\r\n${grace};Grace;Hopper;US;\r\n`;
const source = `Mailchimp export 2026-11 ${stamp}`;
const CONSENTS = `Email,Status,Date,Text Version\n${ada},subscribed,2025-03-01 09:30:00,v2\n`;

const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, name);

const shown = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link)\b(?! ")/.test(line));
};

const choose = async (app: FrameLocator, name: string, text: string) =>
  app.getByLabel("CSV file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf-8") });

const counts = async (app: FrameLocator) =>
  Object.fromEntries(
    await Promise.all(
      ["created", "updated", "unchanged", "skipped"].map(async (count) => {
        const fact = app.getByTestId(`result-${count}`);
        return [count, (await fact.count()) ? await shown(fact) : null] as const;
      }),
    ),
  );

type Found = { contacts: { edges: { node: { id: string; email: string; firstName: string; lastName: string; country: string; emailConsent: string } }[] } };

const findContacts = async (search: string) =>
  (
    await graphql<Found>(
      `query E2EImported($search: String) { contacts(search: $search, first: 10) { edges { node { id email firstName lastName country emailConsent } } } }`,
      { search },
    )
  ).data!.contacts.edges.map(({ node }) => node);

describe("imports", () => {
  test("a contacts file with a bad row: previewed with the error on its row, imported, counted", async () => {
    const embedded = await openApp({ path: "/imports" });
    const { app, page, host } = embedded;
    await app.getByRole("heading", { name: "Import from CSV", level: 1 }).waitFor();
    expect(await shown(app.getByTestId("preview-empty"))).toBe("Choose a file to see how it will be read.");

    await choose(app, contactsFile, CONTACTS);

    const preview = app.getByTestId("import-preview");
    await preview.waitFor();
    expect(await shown(app.getByTestId("preview-summary"))).toBe(
      `${contactsFile}: 3 rows, 2 ready to import, 1 with errors (fields separated by “;”).`,
    );
    expect(await app.getByTestId("preview-column").allInnerTexts()).toEqual([
      "Email Address → Email",
      "First Name → First name",
      "Last Name → Last name",
      "Country → Country",
      "Loyalty Tier → custom attribute “Loyalty Tier”",
    ]);
    const rows = app.getByTestId("preview-row");
    expect(await rows.evaluateAll((found) => found.map((row) => [row.getAttribute("data-row"), row.getAttribute("data-valid")]))).toEqual([
      ["2", "true"],
      ["3", "false"],
      ["4", "true"],
    ]);
    const bad = app.locator('[data-testid="preview-row"][data-row="3"] [data-testid="preview-cell"][data-error="true"]');
    expect(await bad.allInnerTexts()).toEqual([`Not a valid email address: broken-${stamp}`]);
    expect(await shown(app.locator('[data-testid="preview-row"][data-row="2"]'))).toBe(`2 ${ada} Ada Lovelace GB gold`);
    expect(await app.getByTestId("preview-errors").getByTestId("row-error").allInnerTexts()).toEqual([
      `3\tEmail Address\tNot a valid email address: broken-${stamp}`,
    ]);
    expect(await unlabelled(app)).toEqual([]);
    await save(page, app, "imports-preview.png");

    // the import asks first, naming what it changes
    await app.getByRole("button", { name: "Import 2 rows" }).click();
    const dialog = app.getByRole("alertdialog");
    expect(await shown(dialog)).toContain(
      "2 contacts are created or updated; 1 row with errors is skipped. Consents are not changed.",
    );
    await dialog.getByRole("button", { name: "Import 2 rows" }).click();

    const job = app.getByTestId("import-job");
    await app.locator('[data-testid="import-job"][data-status="DONE"]').waitFor({ timeout: 30_000 });
    expect(await shown(app.getByTestId("import-state"))).toBe(`Done · 3 of 3 rows · ${contactsFile}`);
    expect(await app.getByRole("progressbar", { name: `Progress of ${contactsFile}` }).getAttribute("aria-valuenow")).toBe("100");
    expect(await counts(app)).toEqual({
      created: "Contacts created 2",
      updated: "Contacts updated 0",
      unchanged: "Unchanged 0",
      skipped: "Rows skipped 1",
    });
    expect(await job.getByTestId("result-errors").getByTestId("row-error").allInnerTexts()).toEqual([
      `3\tEmail Address\tNot a valid email address: broken-${stamp}`,
    ]);
    expect(await notifications(embedded)).toEqual([{ status: "success", title: `Import of ${contactsFile} started (3 rows)` }]);

    // the skipped rows as a file
    await app.getByRole("button", { name: "Download the skipped rows (CSV)" }).click();
    const link = app.getByTestId("row-errors-download");
    await link.waitFor();
    expect(await link.getAttribute("download")).toBe(`contacts-${stamp}-skipped-rows.csv`);
    const downloaded = await link.evaluate(async (anchor) => (await fetch((anchor as HTMLAnchorElement).href)).text());
    expect(downloaded).toBe(`row,column,message\r\n3,Email Address,Not a valid email address: broken-${stamp}\r\n`);

    expect(await app.getByTestId("recent-row").first().innerText()).toContain(contactsFile);
    await save(page, app, "imports-result.png");

    // what the app now holds
    const found = await findContacts(stamp);
    expect(found.map(({ email, firstName, lastName, country, emailConsent }) => [email, firstName, lastName, country, emailConsent]).sort()).toEqual([
      [ada, "Ada", "Lovelace", "GB", "UNKNOWN"],
      [grace, "Grace", "Hopper", "US", "UNKNOWN"],
    ]);
    expect(embedded.errors).toEqual([]);
    await host.waitForAction("updateRouting", (action) => action.payload.newRoute === "/imports");
  });

  test("consents with a named source reach the contact's ledger", async () => {
    const embedded = await openApp({ path: "/imports" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Import from CSV", level: 1 }).waitFor();
    await app.getByRole("combobox", { name: "The file holds", exact: true }).click();
    await app.getByRole("option", { name: "Consents", exact: true }).click();

    // a file without what consents need is refused whole, before anything is written
    await choose(app, contactsFile, CONTACTS);
    const refused = app.getByTestId("preview-error");
    await refused.waitFor();
    expect(await shown(refused)).toBe(
      "The file cannot be imported The file has no status column: name one 'status' or 'consent' (headers found: Email Address, First Name, Last Name, Country, Loyalty Tier)",
    );
    expect(await app.getByTestId("import-preview").count()).toBe(0);
    await save(page, app, "imports-refused.png");

    await choose(app, `consents-${stamp}.csv`, CONSENTS);
    await app.getByTestId("preview-summary").waitFor();
    expect(await shown(app.getByTestId("preview-summary"))).toBe(
      `consents-${stamp}.csv: 1 row, 1 ready to import, none with errors (fields separated by “,”).`,
    );
    expect(await shown(app.locator('[data-testid="preview-row"][data-row="2"]'))).toBe(`2 ${ada} subscribed 2025-03-01T09:30:00+00:00 v2`);

    // no source named: nothing to start
    const start = app.getByRole("button", { name: "Import 1 row" });
    expect(await start.isDisabled()).toBe(true);
    expect(await shown(app.getByTestId("import-blockers"))).toBe("Name where these consents come from.");

    await app.getByLabel("Where these consents come from").fill(source);
    expect(await start.isDisabled()).toBe(false);
    await save(page, app, "imports-consents-preview.png");
    await start.click();
    const dialog = app.getByRole("alertdialog");
    expect(await shown(dialog)).toContain(`1 consent is recorded on the ledger as coming from “${source}”; no row is skipped.`);
    await save(page, app, "imports-consents-confirm.png");
    await dialog.getByRole("button", { name: "Import 1 row" }).click();

    await app.locator('[data-testid="import-job"][data-status="DONE"]').waitFor({ timeout: 30_000 });
    expect(await shown(app.getByTestId("import-state"))).toBe(`Done · 1 of 1 rows · consents-${stamp}.csv · source: ${source}`);
    expect(await counts(app)).toEqual({
      created: "New contacts with consent 0",
      updated: "Consents changed 1",
      unchanged: "Unchanged 0",
      skipped: "Rows skipped 0",
    });
    expect(await app.getByTestId("recent-row").count()).toBeGreaterThanOrEqual(2);
    await save(page, app, "imports-consents-result.png");

    // the ledger, through the API
    const [contact] = await findContacts(ada);
    expect(contact?.emailConsent).toBe("GRANTED");
    const { data } = await graphql<{ contact: { consentLedger: { action: string; channel: string; source: string; textVersion: string | null; occurredAt: string }[] }; contactExport: { consent_ledger: { source: string; details: Record<string, unknown> }[] } }>(
      `query E2ELedger($id: ID!) { contact(id: $id) { consentLedger { action channel source textVersion occurredAt } } contactExport(id: $id) }`,
      { id: contact!.id },
    );
    expect(data!.contact.consentLedger).toEqual([
      { action: "CONFIRMED", channel: "EMAIL", source: "import", textVersion: "v2", occurredAt: "2025-03-01T09:30:00+00:00" },
    ]);
    expect(data!.contactExport.consent_ledger.map(({ source: s, details }) => [s, details.source, details.file, details.row])).toEqual([
      ["import", source, `consents-${stamp}.csv`, 2],
    ]);
    expect(embedded.errors).toEqual([]);
  });
});
