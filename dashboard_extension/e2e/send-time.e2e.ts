// Send-time optimisation in the Dashboard, on people written by the app's own code
// (tests/support/e2e_send_time_seed.py): Ada clicked on six Tuesdays at 19:10 in Berlin (and her
// privacy proxy opened two mails at 3:00, never counted); Alan clicked once, too little of his own,
// so his card shows the shop's best hour. The new-broadcast form's "best time" option, in English
// and German. Screenshots: send-time-profile-{en,de}.png, send-time-shop-en.png,
// send-time-broadcast-{en,de}.png.
import type { FrameLocator, Locator } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Person = { id: string; name: string };
type Seeded = { ada: Person; alan: Person; shopSlot: { weekday: number; hour: number } };

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const stamp = `t${Date.now().toString(36)}`;
let seeded: Seeded;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/send-time`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the send-time people failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
}, 120_000);

const shown = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const card = async (app: FrameLocator) => {
  const section = app.getByTestId("contact-send-time");
  await section.getByTestId("send-time-said").waitFor();
  return section;
};

describe("send time", () => {
  test("the profile card says when a contact usually engages, in English and German", async () => {
    const english = await openApp({ path: `/contacts/${encodeURIComponent(seeded.ada.id)}` });
    await english.app.getByRole("heading", { name: seeded.ada.name, level: 1 }).waitFor();
    const section = await card(english.app);
    expect(await shown(section.getByTestId("send-time-said"))).toBe("Usually engages Tue 19–20h, from 6 clicks");
    expect(await shown(section.getByTestId("send-time-next"))).toMatch(/^Next best moment .+ Time zone: Europe\/Berlin$/);
    expect(await shown(section.getByTestId("send-time-how"))).toContain("privacy-proxy opens never count");
    await section.scrollIntoViewIfNeeded();
    await saveWholePage(english.page, english.app, "send-time-profile-en.png");

    const german = await openApp({ path: `/contacts/${encodeURIComponent(seeded.ada.id)}`, locale: "de" });
    const karte = await card(german.app);
    expect(await shown(karte.getByTestId("send-time-said"))).toBe("Reagiert meist Di 19–20 Uhr, aus 6 Klicks");
    expect(await shown(karte.getByTestId("send-time-next"))).toMatch(/^Nächster bester Zeitpunkt .+ Zeitzone: Europe\/Berlin$/);
    await saveWholePage(german.page, german.app, "send-time-profile-de.png");

    const thin = await openApp({ path: `/contacts/${encodeURIComponent(seeded.alan.id)}` });
    const his = await card(thin.app);
    const { weekday, hour } = seeded.shopSlot;
    expect(await shown(his.getByTestId("send-time-said"))).toBe(`Not enough data: the shop's best hour, ${WEEKDAYS[weekday]} ${hour}h`);
    expect(await shown(his.getByTestId("send-time-shop"))).toMatch(/^The shop's hour: \d+ clicks?( and \d+ opens?)? of \d+ contacts$/);
    await saveWholePage(thin.page, thin.app, "send-time-shop-en.png");
  });

  test("the new-broadcast form offers each recipient's best time, in English and German", async () => {
    const english = await openApp({ path: "/broadcasts/new" });
    const { app, page } = english;
    await app.getByRole("heading", { name: "New broadcast", level: 1 }).waitFor();
    const option = app.getByTestId("broadcast-best-time");
    expect(await shown(option)).toBe("At each recipient's best time within 24 hours");
    const box = app.getByRole("checkbox", { name: "At each recipient's best time within 24 hours" });
    expect(await box.isChecked()).toBe(false);
    await option.click();
    expect(await box.isChecked()).toBe(true);
    expect(await shown(app.getByTestId("broadcast-best-time-help"))).toBe(
      "Each message waits for the hour its recipient usually opens or clicks (the shop's best hour for those with too little data), at most 24 hours after the send time. Quiet hours and caps still apply.",
    );
    await app.getByTestId("broadcast-schedule-section").scrollIntoViewIfNeeded();
    await saveWholePage(page, app, "send-time-broadcast-en.png");

    const german = await openApp({ path: "/broadcasts/new", locale: "de" });
    const optionDe = german.app.getByTestId("broadcast-best-time");
    expect(await shown(optionDe)).toBe("Zur besten Zeit jedes Empfängers innerhalb von 24 Stunden");
    await optionDe.click();
    expect(await german.app.getByRole("checkbox", { name: "Zur besten Zeit jedes Empfängers innerhalb von 24 Stunden" }).isChecked()).toBe(true);
    await saveWholePage(german.page, german.app, "send-time-broadcast-de.png");
  });
});
