// The settings screen against the real app: sending rules saved and found again after a reload,
// an SMTP password that is stored but never shown back, and a value out of the API's bounds
// refused at its field with nothing saved. The installation's settings are put back afterwards
// (the test files share the app's database).
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, graphql, openApp, useBrowser } from "./harness";

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

/** The stand-in Dashboard's frame grown to the app's content. */
const grow = async (page: Page, app: FrameLocator) => {
  const height = await app.locator("body").evaluate((body) => body.scrollHeight);
  await page.evaluate((h) => {
    window.e2eHost.frame.style.height = `${h}px`;
  }, height + 32);
  await page.waitForTimeout(200);
};

/** The whole app page, as settings-<name>.png. */
const save = async (page: Page, app: FrameLocator, name: string) => {
  await grow(page, app);
  await page.screenshot({ path: join(e2e().screenshotsDir, `settings-${name}.png`), fullPage: true });
};

const section = (app: FrameLocator, id: string) => app.getByTestId(`settings-section-${id}`);
const field = (scope: Locator, label: string) => scope.getByLabel(label, { exact: true });

/** The page's controls and links without an accessible name (each should have one). */
const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link|progressbar)\b(?! ")/.test(line));
};

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

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
    await grow(page, app); // the stand-in's frame is as high as the window: the list opens below it
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
    await grow(page, app);
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

  test("an offer is created, deactivated after a confirmation, and activated again", async () => {
    const title = `Free shipping ${Date.now()}`;
    const embedded = await openSettings();
    const { app, page } = embedded;
    const form = section(app, "new-offer");
    await field(form, "Title").fill(title);
    await field(form, "Link").fill("http://shop.example/free");
    await form.getByRole("button", { name: "Save" }).click();
    expect(await field(form, "Link").getAttribute("aria-invalid")).toBe("true");
    expect(await field(form, "Title").getAttribute("aria-invalid")).toBe("false");
    expect(saves(embedded, "SettingsCreateOffer")).toBe(0);

    await field(form, "Link").fill("https://shop.example/free");
    await field(form, "Priority").fill("5");
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Offer created" }]);
    const row = app.getByTestId("offer-row").filter({ hasText: title });
    await row.waitFor();
    expect((await row.locator("th, td").allTextContents()).slice(0, 4)).toEqual([title, "https://shop.example/free", "5", "Active"]);
    expect(await field(section(app, "new-offer"), "Title").inputValue()).toBe("");

    await row.getByRole("button", { name: `Deactivate ${title}` }).click();
    await app.getByRole("alertdialog", { name: `Deactivate ${title}?` }).waitFor();
    // The dialog is centred in the frame: the window as it is (a frame grown to the page would put it out of view).
    await page.waitForTimeout(400); // its fade-in
    await page.screenshot({ path: join(e2e().screenshotsDir, "settings-offer-confirm.png") });
    await app.getByTestId("confirm-dialog-confirm").click();
    await expect.poll(async () => (await row.locator("td").allTextContents())[2]).toBe("Inactive");
    await row.getByRole("button", { name: `Activate ${title}` }).click();
    await expect.poll(async () => (await row.locator("td").allTextContents())[2]).toBe("Active");
    expect(await notifications(embedded)).toEqual([
      { status: "success", title: "Offer created" },
      { status: "success", title: `${title} is inactive` },
      { status: "success", title: `${title} is active` },
    ]);
    offerIds.push(...(await graphql<{ offers: { id: string; title: string }[] }>(`query E2EOffers { offers { id title } }`)).data!.offers.filter((o) => o.title === title).map((o) => o.id));
    expect(offerIds).toHaveLength(1);
  });

  test("the page in German shows the import status and says a restart is not available", async () => {
    const { app, page } = await openApp({ path: "/settings", locale: "de" });
    await app.getByRole("heading", { name: "Einstellungen", level: 1 }).waitFor();
    const backfill = section(app, "backfill");
    await backfill.getByTestId("backfill-CUSTOMERS").waitFor();
    expect(await backfill.getByTestId("backfill-restart-note").textContent()).toBe(
      "Ein Import lässt sich hier noch nicht neu starten: Die API der App bietet dafür noch keine Möglichkeit.",
    );
    expect(await backfill.getByRole("button").count()).toBe(0);
    expect(await backfill.getByRole("progressbar").count()).toBe(3);
    await section(app, "sms").getByRole("button", { name: "URL für eingehende Nachrichten kopieren" }).waitFor();
    expect(await section(app, "sms").getByLabel("URL für eingehende Nachrichten", { exact: true }).inputValue()).toMatch(
      /\/api\/sms\/twilio\/\d+\/inbound$/,
    );
    await save(page, app, "de");
  });
});
