// The shell inside the stand-in Dashboard: embedding, theme, language, token refresh, routing.
import { describe, expect, test } from "vitest";

import { e2e, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups";

describe("embedding", () => {
  test("the app answers the handshake from another origin and calls its API with the Dashboard's token", async () => {
    const { page, app, host, apiCalls, errors } = await openApp();

    const ready = await host.waitForAction("notifyReady");
    await expect.poll(() => apiCalls.filter((call) => call.status === 200).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await app.locator("#root *").first().waitFor();
    await screenshot(page, "embedded");

    // the frame: the Dashboard's sandbox, the app on its own origin, the Dashboard's parameters
    const frame = page.locator("#app-frame");
    expect(await frame.getAttribute("sandbox")).toBe(SANDBOX);
    const src = new URL((await frame.getAttribute("src"))!);
    expect(src.origin).toBe(e2e().appOrigin);
    expect(src.origin).not.toBe(e2e().dashboardOrigin);
    expect(src.pathname).toBe("/dashboard/");
    expect(src.searchParams.get("saleorApiUrl")).toBe(e2e().saleorApiUrl);
    expect(src.searchParams.get("id")).toBe(e2e().appId);
    // the app runs in the frame, on its origin, knows it is framed and was given the referrer
    const inFrame = await app.locator("html").evaluate(() => ({
      origin: window.location.origin,
      framed: window.self !== window.top,
      referrer: document.referrer,
    }));
    expect(inFrame).toEqual({ origin: e2e().appOrigin, framed: true, referrer: `${e2e().dashboardOrigin}/` });
    // notifyReady was answered, and the app's API calls carry the handshake's token
    expect(ready.payload.actionId).toMatch(/^[0-9a-f-]{36}$/);
    const responses = await host.events("response");
    expect(responses).toContainEqual({ type: "response", payload: { actionId: ready.payload.actionId, ok: true } });
    const token = await page.evaluate(() => window.e2eHost.token);
    expect(new Set(apiCalls.map((call) => call.token))).toEqual(new Set([token]));
    expect(apiCalls.every((call) => call.status === 200)).toBe(true);
    expect(errors).toEqual([]);
  });
});
