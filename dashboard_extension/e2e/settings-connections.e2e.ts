// The email provider's parallel connections (ADR 0034) in Settings: shown for an SMTP server or an
// email service (not for the deployment's provider, which the deployment's EMAIL_CONNECTIONS
// sizes), a value out of 0 to 32 refused at its field with nothing saved, a value in bounds saved
// and found again after a reload; the field in German. The provider is put back afterwards.
import { join } from "node:path";

import type { FrameLocator, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, graphql, growFrame, openApp, useBrowser } from "./harness";

useBrowser();

const PROVIDER = /* GraphQL */ `
  query E2EProviderConnections {
    emailProvider {
      kind
      smtpHost
      smtpPort
      smtpSecurity
      smtpUsername
      esp
      maxPerSecond
      connections
    }
  }
`;

type Provider = { kind: string; smtpHost: string; smtpPort: number; smtpSecurity: string; smtpUsername: string; esp: string; maxPerSecond: number; connections: number };

const stored = async () => (await graphql<{ emailProvider: Provider }>(PROVIDER)).data!.emailProvider;

let before: Provider;

beforeAll(async () => {
  before = await stored();
});

afterAll(async () => {
  await graphql(`mutation E2ERestoreConnections($input: EmailProviderInput!) { updateEmailProvider(input: $input) { provider { kind } } }`, {
    input: before,
  });
});

const field = (scope: Locator, label: string) => scope.getByLabel(label, { exact: true });

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const senderSection = async (locale?: string) => {
  const embedded = await openApp({ path: "/settings", ...(locale ? { locale } : {}) });
  const sender = embedded.app.getByTestId("settings-section-sender");
  await sender.waitFor();
  return { ...embedded, sender };
};

const pick = async (app: FrameLocator, sender: Locator, label: string, option: string) => {
  await sender.getByRole("combobox", { name: label }).click();
  await app.getByRole("option", { name: option }).click();
};

describe("email provider connections", () => {
  test("refused out of 0 to 32 at its field, saved in bounds, found again after a reload", async () => {
    const embedded = await senderSection();
    const { app, page, sender } = embedded;
    await growFrame(page, app);
    await pick(app, sender, "Provider", "The deployment's default");
    expect(await field(sender, "Parallel connections").count()).toBe(0);
    await pick(app, sender, "Provider", "SMTP server");
    await field(sender, "SMTP host").fill("127.0.0.1");
    await field(sender, "SMTP port").fill("2525");
    const connections = field(sender, "Parallel connections");
    expect(await connections.inputValue()).toBe(String(before.connections));
    expect(await sender.getByText("0 to 32 at once, shared by every worker; 0: the deployment's default (EMAIL_CONNECTIONS)", { exact: true }).count()).toBe(1);

    // out of bounds: at its field, nothing sent
    await connections.fill("33");
    await sender.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => connections.getAttribute("aria-invalid")).toBe("true");
    expect(await sender.getByText("From 0 to 32", { exact: true }).count()).toBe(1);
    expect(embedded.apiCalls.filter((call) => call.operationName === "SettingsUpdateEmailProvider")).toEqual([]);
    expect((await stored()).connections).toBe(before.connections);
    await sender.screenshot({ path: join(e2e().screenshotsDir, "settings-connections-refused.png") });

    // in bounds: saved, and the form starts again from the API
    await connections.fill("6");
    expect(await connections.getAttribute("aria-invalid")).toBe("false");
    await sender.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Sender and email provider saved" }]);
    expect(await stored()).toEqual({ ...before, kind: "smtp", smtpHost: "127.0.0.1", smtpPort: 2525, connections: 6 });

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    const reloaded = app.getByTestId("settings-section-sender");
    await reloaded.waitFor();
    expect(await field(reloaded, "Parallel connections").inputValue()).toBe("6");
    await reloaded.screenshot({ path: join(e2e().screenshotsDir, "settings-connections-saved.png") });
    expect(embedded.errors).toEqual([]);
  });

  test("in German", async () => {
    const { app, page, sender, errors } = await senderSection("de");
    await growFrame(page, app);
    await pick(app, sender, "Anbieter", "SMTP-Server");
    const connections = field(sender, "Parallele Verbindungen");
    await connections.fill("-1");
    await sender.getByRole("button", { name: "Speichern" }).click();
    await expect.poll(() => connections.getAttribute("aria-invalid")).toBe("true");
    // the error replaces the hint under the field
    expect(await sender.getByText("Von 0 bis 32", { exact: true }).count()).toBe(1);
    await connections.fill("4");
    expect(await sender.getByText("0 bis 32 gleichzeitig, von allen Workern geteilt; 0: Vorgabe der Installation (EMAIL_CONNECTIONS)", { exact: true }).count()).toBe(1);
    await sender.screenshot({ path: join(e2e().screenshotsDir, "settings-connections-de.png") });
    expect(errors).toEqual([]);
  });
});
