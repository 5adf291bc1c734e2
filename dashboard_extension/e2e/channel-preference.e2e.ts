// The learned channel preference in the Dashboard. The profile card of a contact written through
// the app's own code (tests/support/e2e_channel_preference_seed.py: three clicks of texts' links,
// an SMS reply, an old email click, four proxy opens never counted), in English and German; and
// the journey editor's "Send on preferred channel" step picked from the palette, its channels
// edited in the side panel and autosaved. Screenshots: channel-preference-profile-{en,de}.png,
// channel-preference-step-{en,de}.png.
import type { FrameLocator, Locator } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, graphql, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

const stamp = `t${Date.now().toString(36)}`;
let grace: { id: string; name: string };

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/channel-preference`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the channel-preference contact failed: ${await response.text()}`);
  grace = ((await response.json()) as { grace: { id: string; name: string } }).grace;
}, 120_000);

const shown = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const card = async (app: FrameLocator) => {
  const section = app.getByTestId("contact-channel-preference");
  await section.getByTestId("preference-why").waitFor();
  return section;
};

const CREATE = `mutation E2ECreatePreferredJourney($name: String!, $draft: GenericScalar) { createJourney(name: $name, draft: $draft) { journey { id } } }`;
const READ = `query E2EPreferredJourney($id: ID!) { journey(id: $id) { draft } }`;

const waitSaved = async (app: FrameLocator) => {
  await app.locator('[data-testid="save-status"][data-status="saved"]').waitFor({ timeout: 15_000 });
};

describe("channel preference", () => {
  test("the profile card says which channel a contact answers on and why, in English and German", async () => {
    const english = await openApp({ path: `/contacts/${encodeURIComponent(grace.id)}` });
    await english.app.getByRole("heading", { name: grace.name, level: 1 }).waitFor();
    const section = await card(english.app);
    expect(await shown(section.getByTestId("preference-channel"))).toMatch(
      /^Preferred channel Answers on SMS Clicked 1 email and 3 SMS and replied to 1 SMS in the last 90 days Last engagement .+$/,
    );
    expect(await shown(section.getByTestId("preference-reachable"))).toBe("Channels Reachable now on: Email and SMS");
    expect(await shown(section.getByTestId("preference-scores"))).toMatch(/^Scores \(halved every 30 days\) Email [\d.]+ SMS [\d.]+$/);
    await section.scrollIntoViewIfNeeded();
    await saveWholePage(english.page, english.app, "channel-preference-profile-en.png");
    expect(english.errors).toEqual([]);

    const german = await openApp({ path: `/contacts/${encodeURIComponent(grace.id)}`, locale: "de" });
    const karte = await card(german.app);
    expect(await shown(karte.getByTestId("preference-why"))).toBe(
      "In den letzten 90 Tagen: 1 E-Mail und 3 SMS angeklickt und auf 1 SMS geantwortet",
    );
    expect(await shown(karte.getByTestId("preference-reachable"))).toBe("Kanäle Jetzt erreichbar per: E-Mail und SMS");
    await karte.scrollIntoViewIfNeeded();
    await saveWholePage(german.page, german.app, "channel-preference-profile-de.png");
    expect(german.errors).toEqual([]);
  });

  test("the palette's step sends on the preferred channel with a template per channel in an order", async () => {
    // given: a journey of a manual entry and an exit
    const draft = { entry: { type: "manual" }, start: "done", nodes: { done: { type: "exit" } } };
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `Preferred ${stamp}`, draft });
    const id = data!.createJourney.journey.id;
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("journey-canvas").getByTestId("journey-node-done").waitFor();

    // when: the step is pressed in the palette on the entry's edge
    await app.locator('.react-flow__edge[data-id="@entry:start"]').focus();
    await page.keyboard.press("Enter");
    await app.getByTestId("edge-panel").waitFor();
    await app.getByTestId("palette-node-send_preferred").focus();
    await page.keyboard.press("Enter");

    // then: its form lists email then SMS, each template still to choose
    const form = app.getByTestId("node-form-send_preferred");
    await form.waitFor();
    const channels = form.getByTestId("preferred-channels");
    expect(await shown(channels.getByTestId("preferred-row-email"))).toContain("1. Email");
    expect(await shown(channels.getByTestId("preferred-row-sms"))).toContain("2. SMS");
    expect(await shown(channels.getByTestId("preferred-row-sms"))).toContain("required");

    // when: an email template chosen, web push added and moved up to the top, SMS removed
    await channels.getByTestId("preferred-row-email").getByRole("combobox", { name: "Template", exact: true }).click();
    await app.getByRole("option", { name: /welcome-1/ }).click();
    await channels.getByTestId("preferred-add-push").click();
    await channels.getByTestId("preferred-row-push").getByRole("button", { name: "Up" }).click();
    await channels.getByTestId("preferred-row-push").getByRole("button", { name: "Up" }).click();
    await channels.getByTestId("preferred-row-sms").getByRole("button", { name: "Remove" }).click();
    await saveWholePage(page, app, "channel-preference-step-en.png");

    // then: autosaved with both keys in step
    await waitSaved(app);
    const saved = (await graphql<{ journey: { draft: { start: string; nodes: Record<string, unknown> } } }>(READ, { id })).data!.journey.draft;
    expect(saved.start).toBe("send-preferred-1");
    expect(saved.nodes["send-preferred-1"]).toEqual({
      type: "send_preferred",
      templates: { email: "welcome-1", push: "" },
      fallback: ["push", "email"],
      at_best_hour: false,
      next: "done",
    });
    expect(errors).toEqual([]);

    // and in German
    const german = await openApp({ path: `/journeys/${id}`, locale: "de" });
    await german.app.getByTestId("journey-canvas").getByTestId("journey-node-send-preferred-1").click();
    const kanäle = german.app.getByTestId("preferred-channels");
    await kanäle.waitFor();
    expect(await shown(kanäle.getByTestId("preferred-row-push"))).toContain("1. Web-Push");
    expect(await shown(kanäle.getByTestId("preferred-add-sms"))).toBe("SMS hinzufügen");
    await saveWholePage(german.page, german.app, "channel-preference-step-de.png");
    expect(german.errors).toEqual([]);
  });
});
