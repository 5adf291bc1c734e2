// The shell inside the stand-in Dashboard: embedding, theme, language, token refresh, routing.
import { describe, expect, test } from "vitest";

import { e2e, type Embedded, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups";

const connected = (embedded: Embedded) =>
  embedded.app.getByText(`Connected to ${e2e().saleorApiUrl} as app ${e2e().appId}`);

/** The background of the app's page (macaw's default1 of its current theme). */
const background = (embedded: Embedded) =>
  embedded.app.locator("main").last().evaluate((main) => getComputedStyle(main.parentElement!).backgroundColor);

describe("embedding", () => {
  test("the app answers the handshake from another origin and calls its API with the Dashboard's token", async () => {
    const embedded = await openApp();
    const { page, app, host, apiCalls, errors } = embedded;

    const ready = await host.waitForAction("notifyReady");
    await connected(embedded).waitFor();
    await screenshot(page, "overview");

    // the frame: the Dashboard's sandbox, the app on its own origin, the Dashboard's parameters
    const frame = page.locator("#app-frame");
    expect(await frame.getAttribute("sandbox")).toBe(SANDBOX);
    const src = new URL((await frame.getAttribute("src"))!);
    expect(src.origin).toBe(e2e().appOrigin);
    expect(src.origin).not.toBe(e2e().dashboardOrigin);
    expect(src.pathname).toBe("/dashboard/");
    expect(src.searchParams.get("saleorApiUrl")).toBe(e2e().saleorApiUrl);
    expect(src.searchParams.get("id")).toBe(e2e().appId);
    // the app runs in the frame, on its origin, and was given the Dashboard as its referrer
    const inFrame = await app.locator("html").evaluate(() => ({
      origin: window.location.origin,
      framed: window.self !== window.top,
      referrer: document.referrer,
    }));
    expect(inFrame).toEqual({ origin: e2e().appOrigin, framed: true, referrer: `${e2e().dashboardOrigin}/` });
    // notifyReady was answered, and the app's API calls carry the handshake's token
    expect(ready.payload.actionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await host.events("response")).toContainEqual({
      type: "response",
      payload: { actionId: ready.payload.actionId, ok: true },
    });
    const token = await page.evaluate(() => window.e2eHost.token);
    // (the installation first; the overview's setup and figures once it is connected)
    await expect.poll(() => apiCalls.length).toBe(3);
    expect(apiCalls[0]).toEqual({ status: 200, token, operationName: "Installation" });
    expect(apiCalls.slice(1).map(({ operationName }) => operationName).sort()).toEqual(["AnalyticsOverview", "SetupChecklist"]);
    expect(apiCalls.every((call) => call.status === 200 && call.token === token)).toBe(true);
    // nothing kept in the browser's storage: the Dashboard's frame is no place for it
    const stored = await app.locator("html").evaluate(() => ({
      local: window.localStorage.length,
      session: window.sessionStorage.length,
    }));
    expect(stored).toEqual({ local: 0, session: 0 });
    expect(errors).toEqual([]);
  });

  test("a Dashboard on another origin than the installation names cannot frame the app", async () => {
    const elsewhere = e2e().dashboardOrigin.replace("127.0.0.1", "localhost");
    const embedded = await openApp({ dashboardOrigin: elsewhere });
    await expect
      .poll(() => embedded.console.find((message) => message.includes("frame-ancestors")), { timeout: 15_000 })
      .toContain(`frame-ancestors ${e2e().dashboardOrigin}`);
    await screenshot(embedded.page, "refused");
    expect(await embedded.host.actions()).toEqual([]);
    expect(embedded.apiCalls).toEqual([]);
  });
});

describe("theme", () => {
  test("the Dashboard's theme event switches the app between light and dark", async () => {
    const embedded = await openApp({ theme: "light" });
    await connected(embedded).waitFor();
    const light = await background(embedded);
    await screenshot(embedded.page, "light");

    await embedded.host.setTheme("dark");
    await expect.poll(() => background(embedded)).not.toBe(light);
    const dark = await background(embedded);
    await screenshot(embedded.page, "dark");

    await embedded.host.setTheme("light");
    await expect.poll(() => background(embedded)).toBe(light);
    expect(light).toBe("rgb(255, 255, 255)");
    expect(luminance(dark)).toBeLessThan(0.2);
  });

  test("a page opened in the dark theme starts dark", async () => {
    const embedded = await openApp({ theme: "dark" });
    await connected(embedded).waitFor();
    await screenshot(embedded.page, "dark");
    expect(luminance(await background(embedded))).toBeLessThan(0.2);
  });

  test("in the dark theme every link of the page is readable (contrast at least 4.5:1)", async () => {
    const embedded = await openApp({ theme: "dark" });
    await connected(embedded).waitFor();
    const page = luminance(await background(embedded));
    const links = await embedded.app
      .locator("main a")
      .evaluateAll((anchors) =>
        anchors.map((a) => ({ text: a.textContent ?? "", color: getComputedStyle(a.querySelector("*") ?? a).color })),
      );
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter(({ color }) => contrast(luminance(color), page) < 4.5)).toEqual([]);
  });
});

describe("language", () => {
  test("localeChanged to German shows the app in German, and back in English", async () => {
    const embedded = await openApp();
    await connected(embedded).waitFor();

    await embedded.host.setLocale("de");
    await embedded.app.getByText(`Verbunden mit ${e2e().saleorApiUrl} als App ${e2e().appId}`).waitFor();
    await embedded.app.getByRole("link", { name: "Übersicht" }).waitFor();
    expect(await embedded.app.locator("html").getAttribute("lang")).toBe("de");
    await screenshot(embedded.page, "german");

    await embedded.host.setLocale("en");
    await connected(embedded).waitFor();
    await embedded.app.getByRole("link", { name: "Overview" }).waitFor();
  });

  test("a Dashboard in German opens the app in German", async () => {
    const embedded = await openApp({ locale: "de" });
    await embedded.app.getByRole("heading", { name: "Übersicht" }).waitFor();
    await screenshot(embedded.page, "german");
  });
});

describe("token refresh", () => {
  test("a call refused with 401 is retried once with the token of the next tokenRefresh", async () => {
    const embedded = await openApp({ token: "expired" });
    const { host, apiCalls } = embedded;
    await expect.poll(() => apiCalls.length, { timeout: 15_000 }).toBe(1);
    const expired = await embedded.page.evaluate(() => window.e2eHost.token);
    expect(apiCalls).toEqual([{ status: 401, token: expired, operationName: "Installation" }]);
    await screenshot(embedded.page, "waiting-for-a-token");

    const fresh = await host.refreshToken("valid");
    await connected(embedded).waitFor();
    await screenshot(embedded.page, "refreshed");
    expect(apiCalls.slice(0, 2)).toEqual([
      { status: 401, token: expired, operationName: "Installation" },
      { status: 200, token: fresh, operationName: "Installation" },
    ]);
    // the overview's setup and figures, once connected, with the fresh token
    await expect.poll(() => apiCalls.length).toBe(4);
    expect(apiCalls.slice(2).every((call) => call.status === 200 && call.token === fresh)).toBe(true);
    expect(embedded.errors).toEqual([]);
  });

  test("a refreshed token that is refused too is not retried again: the app says the session was rejected", async () => {
    const embedded = await openApp({ token: "expired" });
    await expect.poll(() => embedded.apiCalls.length, { timeout: 15_000 }).toBe(1);
    const expired = await embedded.page.evaluate(() => window.e2eHost.token);

    const foreign = await embedded.host.refreshToken("foreign");
    await embedded.app.getByText("The Dashboard session was rejected").waitFor();
    await screenshot(embedded.page, "rejected");
    expect(embedded.apiCalls.map(({ status, token }) => ({ status, token }))).toEqual([
      { status: 401, token: expired },
      { status: 401, token: foreign },
    ]);
  });
});

describe("routing", () => {
  test("navigation is sent as updateRouting, and a reload of the Dashboard opens the same page", async () => {
    const embedded = await openApp();
    const { page, app, host } = embedded;
    await connected(embedded).waitFor();

    await app.getByRole("link", { name: "Journeys" }).first().click();
    await host.waitForAction("updateRouting", (action) => action.payload.newRoute === "/journeys");
    const deepLink = `/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}/journeys`;
    await expect.poll(() => host.location()).toBe(deepLink);
    await app.getByRole("heading", { name: "Journeys", level: 1 }).waitFor();
    await screenshot(page, "journeys");

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    await app.getByRole("heading", { name: "Journeys", level: 1 }).waitFor();
    expect(new URL((await page.locator("#app-frame").getAttribute("src"))!).pathname).toBe("/dashboard/journeys");
    expect(await host.location()).toBe(deepLink);
    await screenshot(page, "journeys-after-reload");
  });

  test("the Dashboard's redirect event opens the page it names", async () => {
    const embedded = await openApp();
    const { app, host } = embedded;
    await connected(embedded).waitFor();

    await host.redirect(`/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}/support`);
    await app.getByRole("heading", { name: "Support", level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (action) => action.payload.newRoute === "/support");
    await screenshot(embedded.page, "support");

    // the redirect the Dashboard sends after every handshake (its whole path) kept the page
    expect(await host.events("redirect")).toEqual([
      { type: "redirect", payload: { path: `/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}` } },
      { type: "redirect", payload: { path: `/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}/support` } },
    ]);
  });
});

/** WCAG relative luminance (0 black .. 1 white) of a CSS rgb() colour. */
const luminance = (color: string): number => {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? [])
    .slice(0, 3)
    .map(Number)
    .map((c) => c / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

/** WCAG contrast ratio of two relative luminances (1 .. 21). */
const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
