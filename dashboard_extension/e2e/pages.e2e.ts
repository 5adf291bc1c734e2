// The manifest's privacy and support URLs: real pages that also work outside the Dashboard.
import { describe, expect, test } from "vitest";

import { e2e, openDirect, screenshot, useBrowser } from "./harness";

useBrowser();

const manifestUrl = (key: "dataPrivacyUrl" | "supportUrl"): string => {
  const url = e2e().manifest[key];
  if (typeof url !== "string") throw new Error(`The manifest has no ${key}`);
  return url;
};

describe("outside the Dashboard", () => {
  test("the privacy page at the manifest's dataPrivacyUrl, and its link to support", async () => {
    const page = await openDirect(manifestUrl("dataPrivacyUrl"));
    await page.getByRole("heading", { name: "Privacy", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "What the app stores", level: 2 }).waitFor();
    await screenshot(page, "privacy");
    expect(await page.getByText("Open this app from your Saleor Dashboard").count()).toBe(0);
    expect(await page.getByRole("navigation").count()).toBe(0);

    await page.getByRole("link", { name: "Support: how to get help" }).click();
    await page.getByRole("heading", { name: "Support", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboard/support");
    await screenshot(page, "support-from-privacy");
    expect(page.errors).toEqual([]);
  });

  test("the support page at the manifest's supportUrl", async () => {
    const page = await openDirect(manifestUrl("supportUrl"));
    await page.getByRole("heading", { name: "Support", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Security", level: 2 }).waitFor();
    await screenshot(page, "support");
    expect(await page.getByText("Open this app from your Saleor Dashboard").count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  test("a German browser reads the privacy page in German", async () => {
    const page = await openDirect(manifestUrl("dataPrivacyUrl"), { locale: "de-DE" });
    await page.getByRole("heading", { name: "Datenschutz", level: 1 }).waitFor();
    await screenshot(page, "privacy-german");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
  });

  test("any other page of the app says to open it from the Dashboard", async () => {
    const page = await openDirect("/dashboard/");
    await page.getByText("Open this app from your Saleor Dashboard (Apps → Marketing Automation)").waitFor();
    await screenshot(page, "overview-outside");
  });
});
