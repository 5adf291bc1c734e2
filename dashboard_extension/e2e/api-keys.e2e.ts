// The settings screen's API keys against the real app: a key created with a name, its whole
// text shown once (with the warning and the attributes endpoint's curl example for this app and
// installation), the list showing its prefix and never the secret; the key used on the
// attributes endpoint (200, and the list's "last used" then says when), revoked after a
// confirmation and then refused there (401); the section in German with a key made there.
import type { FrameLocator, Locator, Page } from "playwright-core";
import { afterAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, graphql, openApp, saleorUserId, screenshot, seedCustomer, useBrowser } from "./harness";

useBrowser();

const stamp = `ak${Date.now().toString(36)}`;
/** Keys this file made: revoked afterwards if a test stopped before revoking them. */
const made: string[] = [];

afterAll(async () => {
  const { data } = await graphql<{ apiKeys: { id: string; prefix: string; revokedAt: string | null }[] }>(
    `query E2EApiKeysLeft { apiKeys { id prefix revokedAt } }`,
  );
  for (const key of data?.apiKeys ?? []) {
    if (made.includes(key.prefix) && key.revokedAt === null) {
      await graphql(`mutation E2ERevokeLeft($id: ID!) { revokeApiKey(id: $id) { apiKey { id } } }`, { id: key.id });
    }
  }
});

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

/** POST /api/installations/<id>/attributes with `key`, as another system calls it. */
const setAttributes = async (url: string, key: string, email: string) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ email, attributes: { loyalty_points: 1200 } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const openSection = async (locale = "en") => {
  const embedded = await openApp({ path: "/settings", locale });
  const section = embedded.app.getByTestId("settings-section-api-keys");
  await section.waitFor();
  await section.getByTestId("api-key-name").waitFor();
  await section.scrollIntoViewIfNeeded();
  return { ...embedded, section };
};

/** The key made with `name` from the section, its dialog still open. */
const create = async (app: FrameLocator, section: Locator, name: string) => {
  await section.getByTestId("api-key-name").fill(name);
  await section.getByTestId("api-key-create").click();
  const dialog = app.getByTestId("api-key-created");
  await dialog.waitFor();
  const key = await text(dialog.getByTestId("api-key-secret"));
  const prefix = /^mau_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/.exec(key)?.[1];
  expect(prefix, `the dialog shows a whole key, not ${key}`).toBeDefined();
  made.push(prefix as string);
  return { dialog, key, prefix: prefix as string };
};

const rowOf = (section: Locator, prefix: string) => section.locator(`[data-testid="api-key-row"][data-prefix="${prefix}"]`);

const shot = async (page: Page, section: Locator, name: string) => {
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, name);
};

describe("API keys", () => {
  test("a key created and shown once, used on the attributes endpoint, revoked and then refused (401)", async () => {
    const email = `${stamp}@example.com`;
    await seedCustomer({ userId: saleorUserId(700_000 + Math.floor(Math.random() * 100_000)), email });
    const embedded = await openSection();
    const { app, page, section, errors, apiCalls } = embedded;
    expect(await text(section.getByRole("heading", { level: 2 }))).toBe("API keys");

    // A blank name is refused at the field, nothing sent.
    await section.getByTestId("api-key-name").fill("   ");
    await section.getByTestId("api-key-create").click();
    await section.getByText("Give the key a name.", { exact: true }).waitFor();
    expect(await section.getByTestId("api-key-name").getAttribute("aria-invalid")).toBe("true");
    expect(apiCalls.filter((call) => call.operationName === "SettingsCreateApiKey")).toEqual([]);

    // Created: the whole key once, the warning, the curl example for this app and shop.
    const name = `Loyalty ${stamp}`;
    const { dialog, key, prefix } = await create(app, section, name);
    expect(await text(dialog.getByRole("heading", { level: 2 }))).toBe(`API key "${name}" created`);
    expect(await text(dialog.getByTestId("api-key-once-warning"))).toBe(
      "Copy this key now: it will not be shown again. The app keeps only its prefix, so a lost key cannot be recovered; revoke it and create a new one.",
    );
    const curl = (await dialog.getByTestId("api-key-curl").textContent()) ?? "";
    const url = /^curl -X POST (\S+) \\$/m.exec(curl)?.[1] ?? "";
    const installationId = /\/api\/installations\/(\d+)\/attributes$/.exec(url)?.[1];
    expect(url).toBe(`${e2e().appOrigin}/api/installations/${installationId}/attributes`);
    expect(await text(dialog)).toContain(`this shop's installation id is ${installationId}`);
    expect(curl).toBe(
      [
        `curl -X POST ${url} \\`,
        `  -H "Authorization: Bearer ${key}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '{"email": "ada@example.com", "attributes": {"loyalty_points": 1200}}'`,
      ].join("\n"),
    );
    await screenshot(page, "created-once");

    // Copy: copied, or (no clipboard for the frame) told to copy by hand; never silent.
    expect(await text(dialog.getByTestId("api-key-copy-curl"))).toBe("Copy command");
    await dialog.getByRole("button", { name: "Copy key", exact: true }).click();
    await expect
      .poll(() => notifications(embedded))
      .toContainEqual(
        expect.objectContaining({ title: expect.stringMatching(/^(API key copied|The browser did not allow copying: select the text and copy it)$/) }),
      );

    // Closed, the key is gone: the list shows its prefix, never the secret.
    await dialog.getByTestId("api-key-done").click();
    await dialog.waitFor({ state: "detached" });
    const row = rowOf(section, prefix);
    await row.waitFor();
    expect(await text(row.getByTestId("api-key-prefix"))).toBe(`mau_${prefix}_…`);
    expect(await text(row.getByTestId("api-key-status"))).toBe("Active, not used yet");
    const cells = (await row.locator("td").allTextContents()).map((cell) => cell.replace(/\s+/g, " ").trim());
    expect(cells[0]).toBe(name);
    expect(cells[3]).toBe("Never");
    const secret = key.slice(`mau_${prefix}_`.length);
    expect(await app.locator("body").textContent()).not.toContain(secret);
    await shot(page, section, "listed");

    // Used: the fresh key sets the contact's attribute (200); the list then says it was used.
    expect(await setAttributes(url, key, email)).toEqual({ status: 200, body: { changed: true, attributes: { loyalty_points: "1200" } } });
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    const reloaded = rowOf(app.getByTestId("settings-section-api-keys"), prefix);
    await reloaded.waitFor();
    expect(await text(reloaded.getByTestId("api-key-status"))).toBe("Active");
    expect((await reloaded.locator("td").nth(3).textContent())?.trim()).not.toBe("Never");

    // Revoked after a confirmation, then refused by the endpoint.
    await reloaded.getByRole("button", { name: `Revoke the key ${name}` }).click();
    const confirm = app.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await text(confirm)).toContain(`Revoke "${name}"?`);
    expect(await text(confirm)).toContain(`Calls with mau_${prefix}_… are refused from now on. This cannot be undone.`);
    await screenshot(page, "revoke-confirm");
    await app.getByTestId("confirm-dialog-confirm").click();
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: `Key "${name}" revoked` });
    await reloaded.getByTestId("api-key-revoke").waitFor({ state: "detached" });
    expect(await reloaded.getAttribute("data-status")).toBe("revoked");
    expect(await text(reloaded.getByTestId("api-key-status"))).toMatch(/^Revoked \S/);
    await shot(page, app.getByTestId("settings-section-api-keys"), "revoked");

    const refused = await setAttributes(url, key, email);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { message: "This API key was revoked" } });
    expect(errors).toEqual([]);
  });

  test("the section in German: a key made, shown once, listed, revoked", async () => {
    const embedded = await openSection("de");
    const { app, page, section, errors } = embedded;
    expect(await text(section.getByRole("heading", { level: 2 }))).toBe("API-Schlüssel");
    const name = `Kasse ${stamp}`;
    const { dialog, prefix } = await create(app, section, name);
    expect(await text(dialog.getByRole("heading", { level: 2 }))).toBe(`API-Schlüssel „${name}“ erstellt`);
    expect(await text(dialog.getByTestId("api-key-once-warning"))).toContain("Er wird nicht noch einmal angezeigt.");
    expect(await text(dialog.getByTestId("api-key-copy"))).toBe("Schlüssel kopieren");
    await screenshot(page, "created-once-de");
    await dialog.getByTestId("api-key-done").click();
    const row = rowOf(section, prefix);
    expect(await text(row.getByTestId("api-key-status"))).toBe("Aktiv, noch nicht verwendet");
    expect(await text(row.getByTestId("api-key-prefix"))).toBe(`mau_${prefix}_…`);
    await row.getByRole("button", { name: `Schlüssel ${name} widerrufen` }).click();
    await app.getByRole("alertdialog").waitFor();
    await screenshot(page, "revoke-confirm-de");
    await app.getByTestId("confirm-dialog-confirm").click();
    await row.getByTestId("api-key-revoke").waitFor({ state: "detached" });
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: `Schlüssel „${name}“ wurde widerrufen` });
    expect(await text(row.getByTestId("api-key-status"))).toMatch(/^Widerrufen am \d/);
    await shot(page, section, "listed-de");
    expect(errors).toEqual([]);
  });
});
