// The settings screen against the real app: sending rules saved and found again after a reload,
// an SMTP password that is stored but never shown back, and a value out of the API's bounds
// refused at its field with nothing saved; offers created, edited and deleted; a consent text
// version added; the import restarted against pages the stand-in Saleor answers slowly, its
// progress bars watched to the end. The installation's settings are put back afterwards
// (the test files share the app's database).
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, eventually, graphql, growFrame, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

const SETTINGS = /* GraphQL */ `
  query E2ESettings {
    appSettings {
      capCount
      capHours
      channelCaps
      quietStartHour
      quietEndHour
      quietAction
    }
    emailProvider {
      kind
      smtpHost
      smtpPort
      smtpSecurity
      smtpUsername
      hasSmtpPassword
      esp
      maxPerSecond
    }
  }
`;

type Stored = {
  appSettings: { capCount: number; capHours: number; channelCaps: Record<string, [number, number]>; quietStartHour: number | null; quietEndHour: number | null; quietAction: string };
  emailProvider: { kind: string; smtpHost: string; smtpPort: number; smtpSecurity: string; smtpUsername: string; hasSmtpPassword: boolean; esp: string; maxPerSecond: number };
};

const stored = async () => (await graphql<Stored>(SETTINGS)).data as Stored;

let before: Stored;
/** Offers this test made: inactive again afterwards (emails of later tests do not show them). */
const offerIds: string[] = [];

beforeAll(async () => {
  before = await stored();
});

afterAll(async () => {
  for (const id of offerIds) {
    await graphql(`mutation E2EOfferOff($id: ID!) { setOfferActive(id: $id, active: false) { offer { active } } }`, { id });
  }
  const { capCount, capHours, channelCaps, quietStartHour, quietEndHour, quietAction } = before.appSettings;
  await graphql(`mutation E2ERestoreSettings($input: AppSettingsInput!) { updateAppSettings(input: $input) { settings { capCount } } }`, {
    input: { capCount, capHours, channelCaps, quietStartHour, quietEndHour, quietAction },
  });
  const { hasSmtpPassword: _secret, ...provider } = before.emailProvider;
  await graphql(`mutation E2ERestoreProvider($input: EmailProviderInput!) { updateEmailProvider(input: $input) { provider { kind } } }`, {
    input: provider,
  });
});

/** The whole app page, as settings-<name>.png. */
const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, `settings-${name}.png`);

const section = (app: FrameLocator, id: string) => app.getByTestId(`settings-section-${id}`);
const field = (scope: Locator, label: string) => scope.getByLabel(label, { exact: true });

/** The page's controls and links without an accessible name (each should have one). */
const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link|progressbar)\b(?! ")/.test(line));
};

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

/** A row's header and cells as shown (the browser's narrow spaces as plain ones). */
const cells = async (row: Locator) => (await row.locator("th, td").allTextContents()).map((cell) => cell.replace(/\s+/g, " ").trim());
const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
/** "2027-01-10 09:00": an instant on `zone`'s clock. */
const onClock = (iso: string, zone: string) => new Intl.DateTimeFormat("sv-SE", { timeZone: zone, dateStyle: "short", timeStyle: "short" }).format(new Date(iso));

/** `shot` with the frame grown to the app's content, then the frame back at its height (a
 * dialog opened after it is centred in the frame and would lie below the view). */
const grownFor = async (page: Page, app: FrameLocator, shot: () => Promise<unknown>) => {
  const height = await page.evaluate(() => window.e2eHost.frame.style.height);
  await growFrame(page, app);
  await shot();
  await page.evaluate((h) => {
    window.e2eHost.frame.style.height = h;
  }, height);
};

const saves = (embedded: Embedded, operation: string) => embedded.apiCalls.filter((call) => call.operationName === operation).length;

const openSettings = async () => {
  const embedded = await openApp({ path: "/settings" });
  await embedded.app.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
  await section(embedded.app, "rules").waitFor();
  return embedded;
};

describe("settings", () => {
  test("quiet hours and a cap are saved, notified, and found again after a reload", async () => {
    const embedded = await openSettings();
    const { app, page, host } = embedded;
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/settings");
    expect(await app.getByTestId("nav-settings").getAttribute("aria-current")).toBe("page");
    const rules = section(app, "rules");
    expect(await field(rules, "Quiet from (hour)").inputValue()).toBe(String(before.appSettings.quietStartHour ?? ""));
    expect(await rules.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await section(app, "backfill").getByTestId("backfill-CUSTOMERS").waitFor();
    expect(await unlabelled(app)).toEqual([]);
    await save(page, app, "page");

    await field(rules, "Quiet from (hour)").fill("22");
    await field(rules, "Quiet until (hour)").fill("6");
    await field(rules, "SMS per person").fill("2");
    await field(rules, "SMS window (hours)").fill("48");
    await rules.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Sending rules saved" }]);

    expect((await stored()).appSettings).toEqual({
      ...before.appSettings,
      quietStartHour: 22,
      quietEndHour: 6,
      channelCaps: { ...before.appSettings.channelCaps, sms: [2, 48] },
    });

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    const reloaded = section(app, "rules");
    await reloaded.waitFor();
    expect(await field(reloaded, "Quiet from (hour)").inputValue()).toBe("22");
    expect(await field(reloaded, "Quiet until (hour)").inputValue()).toBe("6");
    expect(await field(reloaded, "SMS per person").inputValue()).toBe("2");
    expect(await field(reloaded, "SMS window (hours)").inputValue()).toBe("48");
    await save(page, app, "rules-saved");
    expect(embedded.errors).toEqual([]);
  });

  test("an SMTP password is stored but never shown back", async () => {
    const secret = "e2e-Sm7p-pässword-4711";
    const embedded = await openSettings();
    const { app, page } = embedded;
    const sender = section(app, "sender");
    await growFrame(page, app); // the stand-in's frame is as high as the window: the list opens below it
    await sender.getByRole("combobox", { name: "Provider" }).click();
    await app.getByRole("option", { name: "SMTP server" }).click();
    await field(sender, "SMTP host").fill("127.0.0.1");
    await field(sender, "SMTP port").fill("2525");
    await field(sender, "SMTP user name").fill("e2e-mailer");
    expect(await sender.getByTestId("settings-secret-smtpPassword").textContent()).toBe(
      before.emailProvider.hasSmtpPassword ? "SMTP password: set (never shown)" : "SMTP password: not set",
    );
    const password = sender.getByTestId("settings-field-smtpPassword");
    expect(await password.getAttribute("type")).toBe("password");
    await password.fill(secret);
    await sender.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Sender and email provider saved" }]);

    expect((await stored()).emailProvider).toEqual({
      kind: "smtp",
      smtpHost: "127.0.0.1",
      smtpPort: 2525,
      smtpSecurity: before.emailProvider.smtpSecurity,
      smtpUsername: "e2e-mailer",
      hasSmtpPassword: true,
      esp: before.emailProvider.esp,
      maxPerSecond: before.emailProvider.maxPerSecond,
    });
    // After the save the form starts again from the API: "set", an empty replacement field.
    await expect.poll(async () => sender.getByTestId("settings-secret-smtpPassword").textContent()).toBe("SMTP password: set (never shown)");
    expect(await sender.getByTestId("settings-field-smtpPassword").inputValue()).toBe("");
    expect(await app.locator("html").innerHTML()).not.toContain(secret);

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    const reloaded = section(app, "sender");
    await reloaded.waitFor();
    expect(await reloaded.getByTestId("settings-secret-smtpPassword").textContent()).toBe("SMTP password: set (never shown)");
    expect(await reloaded.getByTestId("settings-field-smtpPassword").inputValue()).toBe("");
    expect(await field(reloaded, "SMTP host").inputValue()).toBe("127.0.0.1");
    expect(await app.locator("html").innerHTML()).not.toContain(secret);
    await save(page, app, "smtp");
    await reloaded.screenshot({ path: join(e2e().screenshotsDir, "settings-sender-section.png") });
  });

  test("an out-of-bounds value shows its error at its field and nothing is saved", async () => {
    const embedded = await openSettings();
    const { app, page } = embedded;
    const storedBefore = await stored();
    const rules = section(app, "rules");
    await field(rules, "Quiet from (hour)").fill("24");
    await field(rules, "Email window (hours)").fill("721");
    await rules.getByRole("button", { name: "Save" }).click();

    await expect.poll(async () => field(rules, "Quiet from (hour)").getAttribute("aria-invalid")).toBe("true");
    expect(await field(rules, "Email window (hours)").getAttribute("aria-invalid")).toBe("true");
    expect(await field(rules, "Quiet until (hour)").getAttribute("aria-invalid")).toBe("false");
    expect(await rules.getByText("From 0 to 23", { exact: true }).count()).toBe(1);
    expect(await rules.getByText("From 1 to 720", { exact: true }).count()).toBe(1);
    await save(page, app, "error");
    await rules.screenshot({ path: join(e2e().screenshotsDir, "settings-rules-error.png") });

    expect(saves(embedded, "SettingsUpdateAppSettings")).toBe(0);
    expect(await notifications(embedded)).toEqual([]);
    expect(await stored()).toEqual(storedBefore);

    // Fixing one field clears its error; the other still holds the save back.
    await field(rules, "Quiet from (hour)").fill("23");
    expect(await field(rules, "Quiet from (hour)").getAttribute("aria-invalid")).toBe("false");
    await rules.getByRole("button", { name: "Save" }).click();
    expect(await field(rules, "Email window (hours)").getAttribute("aria-invalid")).toBe("true");
    expect(saves(embedded, "SettingsUpdateAppSettings")).toBe(0);
  });

  test("a value only the API can check is refused at its field, and nothing changes", async () => {
    const embedded = await openSettings();
    const { app, page } = embedded;
    const storedBefore = await stored();
    const sender = section(app, "sender");
    await growFrame(page, app);
    await sender.getByRole("combobox", { name: "Provider" }).click();
    await app.getByRole("option", { name: "Email service (anymail)" }).click();
    await field(sender, "Service").fill("nosuchesp");
    await sender.getByRole("button", { name: "Save" }).click();

    await expect.poll(async () => field(sender, "Service").getAttribute("aria-invalid")).toBe("true");
    expect(await sender.getByText("Refused by the app: django-anymail has no backend named 'nosuchesp'", { exact: true }).count()).toBe(1);
    expect(await notifications(embedded)).toEqual([{ status: "error", title: "Not saved" }]);
    expect(await field(sender, "Service").inputValue()).toBe("nosuchesp");
    expect(await stored()).toEqual(storedBefore);
  });

  test("an offer is created with dates on the shop's clock and a channel, deactivated after a confirmation, and activated again", async () => {
    const title = `Free shipping ${Date.now()}`;
    const zone = (await graphql<{ shopTimeZone: string }>(`query E2EShopZone { shopTimeZone }`)).data!.shopTimeZone;
    const embedded = await openSettings();
    const { app, page } = embedded;
    const form = section(app, "new-offer");
    expect(await text(form.getByTestId("offer-zone"))).toContain(`Dates and times on the shop's clock: ${zone === "UTC" ? "UTC." : `${zone} (UTC`}`);
    await form.getByRole("checkbox", { name: "Default Channel (USD)" }).waitFor();
    await field(form, "Title").fill(title);
    await field(form, "Link").fill("http://shop.example/free");
    await field(form, "Starts on").fill("2027-01-10");
    await field(form, "Start time").fill("09:00");
    await field(form, "Ends on").fill("2027-01-10");
    await field(form, "End time").fill("08:00");
    await form.getByRole("button", { name: "Save" }).click();
    expect(await field(form, "Link").getAttribute("aria-invalid")).toBe("true");
    expect(await field(form, "Ends on").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByText("The end comes after the start").count()).toBe(1);
    expect(await field(form, "Title").getAttribute("aria-invalid")).toBe("false");
    expect(saves(embedded, "SettingsCreateOffer")).toBe(0);

    await field(form, "Link").fill("https://shop.example/free");
    await field(form, "Priority").fill("5");
    await field(form, "Ends on").fill("2027-01-24");
    await field(form, "End time").fill("18:00");
    await form.getByRole("checkbox", { name: "Default Channel (USD)" }).click();
    await grownFor(page, app, () => form.screenshot({ path: join(e2e().screenshotsDir, "settings-offer-new.png") }));
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Offer created" }]);
    const row = app.getByTestId("offer-row").filter({ hasText: title });
    await row.waitFor();
    expect((await cells(row)).slice(0, 6)).toEqual([title, "https://shop.example/free", "5", "Jan 10, 2027, 9:00 AM until Jan 24, 2027, 6:00 PM", "Default Channel", "Scheduled"]);
    expect(await field(section(app, "new-offer"), "Title").inputValue()).toBe("");
    await grownFor(page, app, () => app.getByTestId("settings-section-offers").screenshot({ path: join(e2e().screenshotsDir, "settings-offers-en.png") }));
    // stored as the instants the shop's clock shows then
    const created = (await graphql<{ offers: { id: string; title: string; startsAt: string; endsAt: string; channels: string[] }[] }>(`query E2EOffers { offers { id title startsAt endsAt channels } }`)).data!.offers.filter((o) => o.title === title);
    expect(created.map((o) => [onClock(o.startsAt, zone), onClock(o.endsAt, zone), o.channels])).toEqual([["2027-01-10 09:00", "2027-01-24 18:00", ["default-channel"]]]);
    offerIds.push(...created.map((o) => o.id));

    await row.getByRole("button", { name: `Deactivate ${title}` }).click();
    await app.getByRole("alertdialog", { name: `Deactivate ${title}?` }).waitFor();
    // The dialog is centred in the frame: the window as it is (a frame grown to the page would put it out of view).
    await page.waitForTimeout(400); // its fade-in
    await page.screenshot({ path: join(e2e().screenshotsDir, "settings-offer-confirm.png") });
    await app.getByTestId("confirm-dialog-confirm").click();
    await expect.poll(async () => (await cells(row))[5]).toBe("Inactive");
    await row.getByRole("button", { name: `Activate ${title}` }).click();
    await expect.poll(async () => (await cells(row))[5]).toBe("Scheduled");
    expect(await notifications(embedded)).toEqual([
      { status: "success", title: "Offer created" },
      { status: "success", title: `${title} is inactive` },
      { status: "success", title: `${title} is active` },
    ]);
    expect(offerIds).toHaveLength(1);
  });

  test("offers show their status, dates and channels in German, and an edit keeps what it does not change", async () => {
    const stamp = Date.now();
    const make = async (title: string, input: Record<string, unknown>) =>
      (await graphql<{ createOffer: { offer: { id: string } } }>(`mutation E2ECreateOffer($input: OfferInput!) { createOffer(input: $input) { offer { id } } }`, {
        input: { title, url: "https://shop.example/o", ...input },
      })).data!.createOffer.offer.id;
    const ended = `Sommer ${stamp}`;
    const running = `Winter ${stamp}`;
    const gone = `Kanal weg ${stamp}`;
    offerIds.push(
      await make(ended, { startsAt: "2026-06-01T00:00:00+00:00", endsAt: "2026-09-01T00:00:00+00:00" }),
      await make(running, { startsAt: "2026-11-01T00:00:00+00:00", channels: ["default-channel"] }),
      await make(gone, { channels: ["old-channel"] }),
    );
    const embedded = await openApp({ path: "/settings", locale: "de" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Einstellungen", level: 1 }).waitFor();
    const offers = app.getByTestId("settings-section-offers");
    const row = (title: string) => app.getByTestId("offer-row").filter({ hasText: title });
    await row(gone).waitFor();
    expect((await cells(row(ended)))[5]).toBe("Beendet");
    expect((await cells(row(running))).slice(4, 6)).toEqual(["Default Channel", "Aktiv"]);
    expect((await cells(row(gone))).slice(3, 6)).toEqual(["Immer", "old-channel", "Aktiv"]);
    expect(await text(offers.getByTestId("offers-zone"))).toMatch(/^Daten nach der Uhr des Shops: /);
    await grownFor(page, app, () => offers.screenshot({ path: join(e2e().screenshotsDir, "settings-offers-de.png") }));

    await row(gone).getByRole("button", { name: `${gone} bearbeiten` }).click();
    const dialog = app.getByRole("dialog", { name: `${gone} bearbeiten` });
    await dialog.waitFor();
    expect(await dialog.getByRole("checkbox", { name: "old-channel (nicht mehr in Saleor)" }).getAttribute("aria-checked")).toBe("true");
    await field(dialog, "Endet am").fill("2030-01-01");
    await dialog.getByRole("button", { name: "Speichern" }).click();
    await dialog.waitFor({ state: "detached" });
    const stored = (await graphql<{ offers: { title: string; endsAt: string | null; channels: string[] }[] }>(`query E2EOffersEdited { offers { title endsAt channels } }`)).data!.offers.find((o) => o.title === gone);
    expect(stored?.channels).toEqual(["old-channel"]);
    expect(stored?.endsAt).not.toBeNull();
  });

  test("an offer is edited in a dialog, its refusal at its field, and deleted after a confirmation", async () => {
    const title = `Ten off ${Date.now()}`;
    const edited = `Fifteen off ${Date.now()}`;
    await graphql(`mutation E2ECreateOffer($input: OfferInput!) { createOffer(input: $input) { offer { id } } }`, {
      input: { title, url: "https://shop.example/ten", priority: 3 },
    });
    const embedded = await openSettings();
    const { app, page } = embedded;
    const row = app.getByTestId("offer-row").filter({ hasText: title });
    await row.getByRole("button", { name: `Edit ${title}` }).click();
    const dialog = app.getByRole("dialog", { name: `Edit ${title}` });
    await dialog.waitFor();
    expect(await field(dialog, "Title").inputValue()).toBe(title);
    expect(await field(dialog, "Link").inputValue()).toBe("https://shop.example/ten");
    expect(await dialog.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);

    await field(dialog, "Title").fill(edited);
    await field(dialog, "Link").fill("http://shop.example/fifteen");
    await dialog.getByRole("button", { name: "Save" }).click();
    expect(await field(dialog, "Link").getAttribute("aria-invalid")).toBe("true");
    expect(saves(embedded, "SettingsUpdateOffer")).toBe(0);
    await field(dialog, "Link").fill("https://shop.example/fifteen");
    await field(dialog, "Text").fill("This week only");
    await page.waitForTimeout(400); // the dialog's fade-in
    await page.screenshot({ path: join(e2e().screenshotsDir, "settings-offer-edit.png") });
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    const editedRow = app.getByTestId("offer-row").filter({ hasText: edited });
    await editedRow.waitFor();
    expect((await cells(editedRow)).slice(0, 6)).toEqual([`${edited}This week only`, "https://shop.example/fifteen", "3", "Always", "All channels", "Active"]);
    expect(await app.getByTestId("offer-row").filter({ hasText: title }).count()).toBe(0);
    expect(saves(embedded, "SettingsUpdateOffer")).toBe(1);

    await editedRow.getByRole("button", { name: `Delete ${edited}` }).click();
    const confirm = app.getByRole("alertdialog", { name: `Delete ${edited}?` });
    await confirm.waitFor();
    expect(await confirm.getByText(/for good/).textContent()).toBe(
      "The offer is removed for good and emails sent from now on no longer show it. To keep it for later, deactivate it instead.",
    );
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(e2e().screenshotsDir, "settings-offer-delete.png") });
    await app.getByTestId("confirm-dialog-cancel").click();
    await confirm.waitFor({ state: "detached" });
    expect(saves(embedded, "SettingsDeleteOffer")).toBe(0);

    await editedRow.getByRole("button", { name: `Delete ${edited}` }).click();
    await app.getByTestId("confirm-dialog-confirm").click();
    await editedRow.waitFor({ state: "detached" });
    expect(await notifications(embedded)).toEqual([
      { status: "success", title: "Offer saved" },
      { status: "success", title: `${edited} deleted` },
    ]);
    const left = (await graphql<{ offers: { title: string }[] }>(`query E2EOffersLeft { offers { title } }`)).data!.offers.map((o) => o.title);
    expect(left.filter((t) => t === title || t === edited)).toEqual([]);
  });

  test("a consent text version is added, a taken label refused at its field, and found after a reload", async () => {
    const version = `e2e-${Date.now()}`;
    const wording = "Ja, schickt mir den Newsletter. Ich kann mich jederzeit abmelden.";
    const embedded = await openSettings();
    const { app } = embedded;
    const form = section(app, "new-consent-text");
    await field(form, "Language").fill("de-AT");
    await field(form, "Version label").fill("june 2026");
    await field(form, "Text").fill(wording);
    await form.getByRole("button", { name: "Save" }).click();
    expect(await field(form, "Version label").getAttribute("aria-invalid")).toBe("true");
    expect(saves(embedded, "SettingsAddConsentText")).toBe(0);

    await field(form, "Version label").fill(version);
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Consent text version added" }]);
    const texts = section(app, "consent-texts");
    const added = texts.locator(`[data-testid="consent-text-version"][data-version="${version}"]`);
    await added.waitFor();
    expect(await field(section(app, "new-consent-text"), "Version label").inputValue()).toBe("");

    // the same label again: the API refuses it at the version's field
    const again = section(app, "new-consent-text");
    await field(again, "Language").fill("de-at");
    await field(again, "Version label").fill(version);
    await field(again, "Text").fill("Another wording");
    await again.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => field(again, "Version label").getAttribute("aria-invalid")).toBe("true");
    expect(await again.getByText(/versions never change/).textContent()).toBe(
      `Refused by the app: Version ${version} of the email text in de-at exists: versions never change, give the new wording a new label`,
    );

    const reloaded = await openSettings();
    const group = section(reloaded.app, "consent-texts").locator('[data-testid="consent-text-group"][data-channel="EMAIL"][data-language="de-at"]');
    await group.waitFor();
    expect(await group.getByRole("heading", { level: 3 }).textContent()).toBe("Email · de-at");
    const found = group.getByTestId("consent-text-version").first();
    expect(await found.getAttribute("data-version")).toBe(version);
    expect(await found.getByTestId("consent-text-current").textContent()).toBe("Current");
    expect(await found.getByTestId("consent-text-body").textContent()).toBe(wording);
    const stored = await graphql<{ consentTexts: { version: string; language: string; current: boolean }[] }>(
      `query E2EConsentTexts { consentTexts(channel: EMAIL) { version language current } }`,
    );
    expect(stored.data!.consentTexts.filter((t) => t.version === version)).toEqual([{ version, language: "de-at", current: true }]);
    await section(reloaded.app, "consent-texts").scrollIntoViewIfNeeded();
    await section(reloaded.app, "consent-texts").screenshot({ path: join(e2e().screenshotsDir, "settings-consent-texts.png") });
  });

  test("the page in German shows the import status and its restart", async () => {
    const { app, page } = await openApp({ path: "/settings", locale: "de" });
    await app.getByRole("heading", { name: "Einstellungen", level: 1 }).waitFor();
    const backfill = section(app, "backfill");
    await backfill.getByTestId("backfill-CUSTOMERS").waitFor();
    expect(await backfill.getByRole("button", { name: "Import neu starten" }).isEnabled()).toBe(true);
    expect(await backfill.getByTestId("backfill-restart-note").count()).toBe(0);
    expect(await backfill.getByRole("progressbar").count()).toBe(3);
    await section(app, "sms").getByRole("button", { name: "URL für eingehende Nachrichten kopieren" }).waitFor();
    expect(await section(app, "sms").getByLabel("URL für eingehende Nachrichten", { exact: true }).inputValue()).toMatch(
      /\/api\/sms\/twilio\/\d+\/inbound$/,
    );
    await save(page, app, "de");
  });

  test("the import is restarted after a confirmation and its progress bars reach the end", async () => {
    // from now on the stand-in Saleor answers pages of three, each a second late
    const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/backfill`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ customers: 12, orders: 7, delay: 1 }),
    });
    expect(await response.json()).toEqual({ customers: 12, orders: 7, checkouts: 3 });
    const embedded = await openSettings();
    const { app } = embedded;
    const backfill = section(app, "backfill");
    const state = (resource: string) => backfill.getByTestId(`backfill-state-${resource}`).textContent();
    const percent = (resource: string) => backfill.getByTestId(`backfill-progress-${resource}`).getAttribute("aria-valuenow");
    await backfill.getByTestId("backfill-CUSTOMERS").waitFor();
    // the registration imported the empty shop
    expect(await state("CUSTOMERS")).toBe("Done · 0 of 0");

    await backfill.getByRole("button", { name: "Restart import" }).click();
    await app.getByRole("alertdialog", { name: "Restart the import?" }).waitFor();
    await app.getByTestId("confirm-dialog-confirm").click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "The import has started again" }]);
    await expect.poll(() => backfill.getByRole("button", { name: "Restart import" }).isDisabled()).toBe(true);
    expect(await backfill.getByTestId("backfill-restart-note").textContent()).toBe("The import is running: it can be restarted once it has finished.");
    const refused = await graphql(`mutation E2ERestartAgain { restartBackfill { backfillStatus { status } } }`, {}, { allowErrors: true });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BACKFILL_RUNNING");

    // the customers' bar moves page by page: one screenshot part-way
    const seen = new Set<string>();
    let shot = false;
    await eventually(async () => {
      const [customers, checkouts] = [await state("CUSTOMERS"), await state("CHECKOUTS")];
      seen.add(customers ?? "");
      const now = Number((await percent("CUSTOMERS")) ?? 0);
      if (!shot && now > 0 && now < 100) {
        shot = true;
        await backfill.screenshot({ path: join(e2e().screenshotsDir, "settings-backfill-progress.png") });
      }
      return checkouts === "Done · 3 of 3";
    }, 50_000);
    expect([...seen].filter((text) => /^Running · [1-9]\d* of 12$/.test(text)).length).toBeGreaterThan(0);
    expect([await state("CUSTOMERS"), await state("ORDERS"), await state("CHECKOUTS")]).toEqual(["Done · 12 of 12", "Done · 7 of 7", "Done · 3 of 3"]);
    expect([await percent("CUSTOMERS"), await percent("ORDERS"), await percent("CHECKOUTS")]).toEqual(["100", "100", "100"]);
    await expect.poll(() => backfill.getByRole("button", { name: "Restart import" }).isEnabled()).toBe(true);
    expect(await backfill.getByTestId("backfill-restart-note").count()).toBe(0);
    const status = await graphql<{ backfillStatus: { resource: string; status: string; done: number; total: number }[] }>(
      `query E2EBackfillDone { backfillStatus { resource status done total } }`,
    );
    expect(status.data!.backfillStatus).toEqual([
      { resource: "CUSTOMERS", status: "DONE", done: 12, total: 12 },
      { resource: "ORDERS", status: "DONE", done: 7, total: 7 },
      { resource: "CHECKOUTS", status: "DONE", done: 3, total: 3 },
    ]);
    await backfill.scrollIntoViewIfNeeded();
    await backfill.screenshot({ path: join(e2e().screenshotsDir, "settings-backfill-done.png") });
    expect(embedded.errors).toEqual([]);
  });
});
