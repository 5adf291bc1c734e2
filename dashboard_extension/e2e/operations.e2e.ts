// The operations screen on failures written by the app itself (tests/support/e2e_operations_seed.py):
// a delivery Saleor signed whose order is no object (failed by the app's worker with the parser's
// error) and a welcome email whose claims ran out before it was handed over. The delivery is
// discarded after the confirmation, the message retried and then found in the loopback SMTP
// server. The sender-domain check reads ops-e2e.test from the DNS stand-in the e2e server started.
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, eventually, graphql, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Seeded = {
  delivery: { id: string; error: string };
  message: { id: string; error: string };
  contact: { id: string; email: string };
  template: string;
};
type Counts = { deliveries: number; runs: number; messages: number; catalogueEvents: number };

const stamp = `o${Date.now().toString(36)}`;
let seeded: Seeded;
let fromEmailBefore = "";

const COUNTS = `query E2EFailureCounts { failureCounts { deliveries runs messages catalogueEvents } }`;
const SET_FROM = `mutation E2ESetFrom($input: AppSettingsInput!) { updateAppSettings(input: $input) { settings { fromEmail } } }`;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/operations`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the failures failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
  const before = await graphql<{ appSettings: { fromEmail: string } }>(`query E2EFromBefore { appSettings { fromEmail } }`);
  fromEmailBefore = before.data?.appSettings.fromEmail ?? "";
  await graphql(SET_FROM, { input: { fromEmail: "news@ops-e2e.test" } });
}, 120_000);

afterAll(async () => {
  await graphql(SET_FROM, { input: { fromEmail: fromEmailBefore } });
});

const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, name);

/** Back to the stand-in Dashboard's own frame height (a dialog is centred in the frame). */
const shrink = async (page: Page) => {
  await page.evaluate(() => {
    window.e2eHost.frame.style.height = "";
  });
};

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title, text: payload.text }));

const counts = async () => (await graphql<{ failureCounts: Counts }>(COUNTS)).data?.failureCounts as Counts;

const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link|tab)\b(?! ")/.test(line));
};

/** Each result of the check as shown: its rule, code and status, in order. */
const results = async (app: FrameLocator) =>
  Promise.all(
    (await app.getByTestId("dns-result").all()).map(async (row) => [await row.getAttribute("data-code"), await row.getAttribute("data-status")]),
  );

const groups = async (app: FrameLocator) =>
  Promise.all(
    ["spf", "dkim", "dmarc", "alignment", "unsubscribe", "complaints"].map(async (check) => [
      check,
      await app.getByTestId(`dns-check-${check}`).getAttribute("data-status"),
    ]),
  );

describe("operations", () => {
  test("a failed delivery is discarded after the confirmation, a failed message retried and sent", async () => {
    const before = await counts();
    expect(before.deliveries).toBeGreaterThanOrEqual(1);
    expect(before.messages).toBeGreaterThanOrEqual(1);

    const embedded = await openApp({ path: "/operations" });
    const { app, page, host } = embedded;
    await app.getByRole("heading", { name: "Operations", level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/operations?kind=delivery");
    expect(await text(app.getByTestId("failures-tab-delivery"))).toBe(`Failed deliveries (${before.deliveries})`);
    expect(await text(app.getByTestId("failures-tab-run"))).toBe(`Failed journey runs (${before.runs})`);
    expect(await text(app.getByTestId("failures-tab-message"))).toBe(`Failed messages (${before.messages})`);
    expect(await text(app.getByTestId("failures-tab-catalogue_event"))).toBe(`Failed catalogue events (${before.catalogueEvents})`);

    // the delivery: its event, the parser's error (its first line, the rest on demand), one attempt
    const delivery = app.locator(`[data-failure-id="${seeded.delivery.id}"]`);
    await delivery.waitFor();
    expect(seeded.delivery.error).toMatch(/^Payload does not match its model: /);
    expect(await text(delivery.getByTestId("failure-summary"))).toBe("ORDER_CREATED");
    expect(await text(delivery.getByTestId("failure-error"))).toBe(seeded.delivery.error.split("\n")[0]?.trim());
    expect(await text(delivery.getByTestId("failure-attempts"))).toBe("1");
    expect(await delivery.getByTestId("failure-link").count()).toBe(0);
    await delivery.getByText("Full error").click();
    expect(await delivery.locator("pre").textContent()).toBe(seeded.delivery.error);
    await save(page, app, "operations-failures.png");
    expect(await unlabelled(app)).toEqual([]);

    // discarding asks first; cancelling leaves it
    await shrink(page);
    await delivery.getByRole("button", { name: "Discard ORDER_CREATED" }).click();
    const dialog = app.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await text(dialog.getByRole("heading"))).toBe("Discard this failure?");
    expect(await text(dialog.locator("p"))).toBe("ORDER_CREATED will not be tried again. Its error is kept.");
    await page.screenshot({ path: join(e2e().screenshotsDir, "operations-discard-confirm.png") });
    await app.getByTestId("confirm-dialog-cancel").click();
    await dialog.waitFor({ state: "detached" });
    expect(await delivery.count()).toBe(1);
    expect((await counts()).deliveries).toBe(before.deliveries);

    await delivery.getByRole("button", { name: "Discard ORDER_CREATED" }).click();
    await app.getByTestId("confirm-dialog-confirm").click();
    await delivery.waitFor({ state: "detached" });
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Discarded", text: "ORDER_CREATED" }]);
    await expect.poll(() => text(app.getByTestId("failures-tab-delivery"))).toBe(`Failed deliveries (${before.deliveries - 1})`);
    expect((await counts()).deliveries).toBe(before.deliveries - 1);

    // no failed run here: the runs' tab says so
    if (before.runs === 0) {
      await app.getByTestId("failures-tab-run").click();
      expect(await text(app.getByTestId("failures-empty"))).toBe("No failed journey runs.");
    }

    // the message: its template and channel, the recovery's error, its claims, links
    await app.getByTestId("failures-tab-message").click();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/operations?kind=message");
    const message = app.locator(`[data-failure-id="${seeded.message.id}"]`);
    await message.waitFor();
    expect(await text(message.getByTestId("failure-summary"))).toBe("email template welcome-1");
    expect(await text(message.getByTestId("failure-error"))).toBe("claimed 5 times, never finished");
    expect(await text(message.getByTestId("failure-attempts"))).toBe("5");
    const links = await Promise.all((await message.getByTestId("failure-link").all()).map(async (link) => [await text(link), await link.getAttribute("href")]));
    expect(links).toEqual([
      ["Contact", `/dashboard/contacts/${encodeURIComponent(seeded.contact.id)}`],
      ["Template", `/dashboard/templates/${encodeURIComponent(seeded.template)}`],
    ]);
    await save(page, app, "operations-messages.png");
    await shrink(page);

    await message.getByRole("button", { name: "Retry email template welcome-1" }).click();
    await message.waitFor({ state: "detached" });
    await expect
      .poll(() => notifications(embedded))
      .toEqual([
        { status: "success", title: "Discarded", text: "ORDER_CREATED" },
        { status: "success", title: "Queued again", text: "email template welcome-1" },
      ]);
    expect((await counts()).messages).toBe(before.messages - 1);

    // the sender takes it again: the welcome email reaches the loopback SMTP server
    const mail = await eventually(async () => {
      const response = await fetch(`${e2e().dashboardOrigin}/__e2e/mail?to=${encodeURIComponent(seeded.contact.email)}`);
      const found = (await response.json()) as { subject: string }[];
      return found.length > 0 ? found : null;
    });
    expect(mail).toHaveLength(1);
    expect(embedded.errors).toEqual([]);
  });

  test("the sender domain's SPF, DKIM and DMARC from the DNS stand-in, then with the admin's selectors", async () => {
    const complaints = await graphql<{ senderDomainCheck: { results: { check: string; code: string; status: string }[] } }>(
      `query E2EComplaints { senderDomainCheck { results { check code status } } }`,
    );
    // The complaint rate is the whole shop's, and the browser suites share one shop (the
    // analytics seed brings complaints): the page must show what the API reports, whatever it
    // is; its figures per case are in tests/graphql/test_sender_domain.py.
    const complaint = complaints.data?.senderDomainCheck.results.find((r) => r.check === "COMPLAINTS");
    expect(complaint?.code).toMatch(/^COMPLAINTS_[A-Z_]+$/);

    const embedded = await openApp({ path: "/operations" });
    const { app, page } = embedded;
    const section = app.getByTestId("dns-section");
    await section.getByTestId("dns-domain").waitFor();
    expect(await text(section.getByTestId("dns-domain"))).toMatch(/^ops-e2e\.test \(sender news@ops-e2e\.test\), checked .+$/);
    expect(await results(app)).toEqual([
      ["SPF_FOUND", "PASS"],
      ["SPF_ALL_SOFTFAIL", "PASS"],
      ["SPF_LOOKUPS", "PASS"],
      ["DKIM_NO_SELECTORS", "WARN"],
      ["DMARC_FOUND", "PASS"],
      ["DMARC_POLICY_NONE", "WARN"],
      ["DMARC_REPORTS", "PASS"],
      ["ALIGNMENT_UNVERIFIED", "WARN"],
      ["UNSUBSCRIBE_ONE_CLICK", "PASS"],
      [complaint?.code, complaint?.status],
    ]);
    const none = app.locator('[data-code="DMARC_POLICY_NONE"]');
    expect(await text(none.getByTestId("dns-status"))).toBe("Warning");
    expect(await text(none.getByTestId("dns-explanation"))).toBe(
      "Policy “none”: meets the Gmail and Yahoo minimum, but mail failing DMARC is still delivered.",
    );
    expect(await text(none.getByTestId("dns-fix"))).toBe("Once the reports show only your own services, move to p=quarantine, then p=reject.");
    // the record read is shown once, on the first result that read it
    expect(await text(app.locator('[data-code="DMARC_FOUND"]').getByTestId("dns-record"))).toBe(
      "_dmarc.ops-e2e.test v=DMARC1; p=none; rua=mailto:dmarc@ops-e2e.test",
    );
    expect(await none.getByTestId("dns-record").count()).toBe(0);
    expect(await text(app.locator('[data-code="SPF_LOOKUPS"]').getByTestId("dns-explanation"))).toBe("It needs 1 of the 10 DNS lookups SPF allows.");
    await save(page, app, "operations-dns.png");

    // a selector that is no DNS name is refused before any call
    const selectors = app.getByLabel("DKIM selectors");
    await selectors.fill("s1, bad!");
    await expect
      .poll(() => text(section.getByText(/is not a DKIM selector/)))
      .toBe("“bad!” is not a DKIM selector (letters, digits, - and _, dots between parts)");
    expect(await app.getByTestId("dns-rerun").isDisabled()).toBe(true);

    await selectors.fill("s1, gone");
    const calls = embedded.apiCalls.filter((call) => call.operationName === "OperationsSenderDomainCheck").length;
    await app.getByTestId("dns-rerun").click();
    await expect.poll(async () => (await results(app)).slice(3, 5)).toEqual([
      ["DKIM_KEY_FOUND", "PASS"],
      ["DKIM_MISSING", "FAIL"],
    ]);
    expect(embedded.apiCalls.filter((call) => call.operationName === "OperationsSenderDomainCheck").length).toBe(calls + 1);
    expect(await text(app.locator('[data-code="DKIM_KEY_FOUND"]').getByTestId("dns-explanation"))).toBe("s1: An RSA key of 2048 bits.");
    expect(await text(app.locator('[data-code="DKIM_MISSING"]').getByTestId("dns-explanation"))).toBe(
      "gone: No DKIM key at gone._domainkey.ops-e2e.test.",
    );
    expect(await text(app.locator('[data-code="ALIGNMENT_DKIM"]').getByTestId("dns-status"))).toBe("Pass");
    expect(await groups(app)).toEqual([
      ["spf", "PASS"],
      ["dkim", "FAIL"],
      ["dmarc", "WARN"],
      ["alignment", "PASS"],
      ["unsubscribe", "PASS"],
      ["complaints", complaint?.status],
    ]);
    await save(page, app, "operations-dns-selectors.png");
    expect(await unlabelled(app)).toEqual([]);
    expect(embedded.errors).toEqual([]);
  });

  test("in German: the tabs, the check's words and what to do", async () => {
    const { deliveries } = await counts();
    const embedded = await openApp({ path: "/operations", locale: "de" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Betrieb", level: 1 }).waitFor();
    await expect.poll(() => text(app.getByTestId("failures-tab-delivery"))).toBe(`Fehlgeschlagene Zustellungen (${deliveries})`);
    const none = app.locator('[data-code="DMARC_POLICY_NONE"]');
    await none.waitFor();
    expect(await text(none.getByTestId("dns-status"))).toBe("Warnung");
    expect(await text(none.getByTestId("dns-explanation"))).toBe(
      "Richtlinie „none“: erfüllt das Minimum von Gmail und Yahoo, aber Mail, die DMARC nicht besteht, wird trotzdem zugestellt.",
    );
    expect(await text(app.locator('[data-code="SPF_LOOKUPS"]').getByTestId("dns-explanation"))).toBe(
      "Er braucht 1 der 10 DNS-Abfragen, die SPF erlaubt.",
    );
    expect(await text(app.locator('[data-code="ALIGNMENT_UNVERIFIED"]').getByTestId("dns-explanation"))).toBe(
      "Unter Ihrer Absenderdomain wurde kein brauchbarer DKIM-Schlüssel gefunden; die Ausrichtung (Modus locker) hängt an der Bounce-Domain, die DNS nicht zeigt.",
    );
    await save(page, app, "operations-de.png");
    expect(embedded.errors).toEqual([]);
  });
});
