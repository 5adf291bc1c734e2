// A broadcast against the real app, its worker and its scheduler (`mautomation serve`): six
// people of a seeded segment (tests/support/e2e_broadcasts_seed.py) get a seeded newsletter
// now. The scheduler takes the segment's members at its next entries tick (every 60 s), the
// runs send through the outbox (every 10 s): four are sent, one without consent is
// suppressed, one in quiet hours is deferred. Paused, then cancelled: the deferred message is
// cancelled. Names carry a stamp: the test files share the app's database.
import type { FrameLocator } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const stamp = `b${Date.now().toString(36)}`;

type Seeded = {
  segment: { id: string; name: string };
  members: number;
  template: { id: string; key: string; name: string; kind: string };
  expected: { sent: number; suppressed: number; deferred: number };
};
let seeded: Seeded;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/broadcasts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
});

const text = async (locator: { textContent(): Promise<string | null> }) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const calls = (embedded: Embedded, name: string) => embedded.apiCalls.filter((call) => call.operationName === name).length;

const figure = async (app: FrameLocator, key: string) => {
  const value = app.getByTestId(`figure-${key}-value`);
  return (await value.count()) === 0 ? "absent" : text(value);
};

const figures = async (app: FrameLocator) =>
  Object.fromEntries(
    await Promise.all(["recipients", "sent", "deferred", "suppressed", "failed", "toSend", "notSent"].map(async (key) => [key, await figure(app, key)])),
  );

const PROGRESS = `query E2EBroadcastProgress($id: ID!) {
  broadcastProgress(journeyId: $id) { journey { status } recipients sent deferred suppressed failed queued cancelled }
}`;

describe("broadcasts", () => {
  test("a broadcast to a seeded segment: a test, launched now, sent, paused and cancelled", async () => {
    const name = `December news ${stamp}`;
    const embedded = await openApp({ path: "/broadcasts" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Broadcasts", level: 1 }).waitFor();

    // given: the form, everything missing refused before any call
    await app.getByRole("button", { name: "New broadcast" }).click();
    await app.getByRole("heading", { name: "New broadcast", level: 1 }).waitFor();
    await app.getByRole("button", { name: "Launch…" }).click();
    for (const message of ["Give the broadcast a name.", "Choose a segment.", "Choose a template."]) {
      expect(await text(app.getByText(message, { exact: true }))).toBe(message);
    }
    expect([calls(embedded, "BroadcastCheck"), calls(embedded, "CreateBroadcast")]).toEqual([0, 0]);

    // when: named, the seeded segment and template chosen, a time already past
    await app.getByLabel("Name", { exact: true }).fill(name);
    await app.getByRole("combobox", { name: "Segment", exact: true }).click();
    await app.getByRole("option", { name: `${seeded.segment.name} (6 members)` }).click();
    expect(await text(app.getByTestId("broadcast-member-count"))).toBe("6 members now; the members are taken again when it sends.");
    await app.getByRole("combobox", { name: "Email template", exact: true }).click();
    await app.getByRole("option", { name: `${seeded.template.name} (marketing)` }).click();
    await app.getByRole("combobox", { name: "When", exact: true }).click();
    await app.getByRole("option", { name: "At a date and time" }).click();
    await app.getByLabel("Date", { exact: true }).fill("2026-01-02");
    await app.getByLabel("Time", { exact: true }).fill("09:00");
    expect(await text(app.getByTestId("broadcast-zone"))).toBe("Times are in your time zone: UTC.");
    await app.getByRole("button", { name: "Launch…" }).click();

    // then: refused at the time, no call
    const past = "This time has passed: choose a later one, or send now.";
    expect(await text(app.getByText(past, { exact: true }))).toBe(past);
    expect(calls(embedded, "BroadcastCheck")).toBe(0);

    // when: a test of the template to an address
    await app.getByRole("combobox", { name: "When", exact: true }).click();
    await app.getByRole("option", { name: "Now", exact: true }).click();
    await app.getByLabel("Send a test to", { exact: true }).fill("qa@shop.test");
    await app.getByRole("button", { name: "Send a test", exact: true }).click();

    // then
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Test sent to qa@shop.test" }]);
    expect(calls(embedded, "SendBroadcastTest")).toBe(1);
    await screenshot(page, "broadcast-new");

    // when: launched, behind a confirmation naming the members, the segment and the time
    await app.getByRole("button", { name: "Launch…" }).click();
    const dialog = app.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await text(dialog.getByRole("heading"))).toBe(`Launch “${name}”?`);
    expect(await text(dialog.locator("p").first())).toBe(
      `“${name}” goes to the 6 members of “${seeded.segment.name}” now. The members are taken when it sends; those without email consent, or with a suppressed address, are not sent to.`,
    );
    await page.waitForTimeout(400); // the modal's fade-in
    await screenshot(page, "broadcast-launch-confirm");
    await dialog.getByRole("button", { name: "Send now" }).click();

    // then: its page, notified, and the figures reach the seed's
    await app.getByRole("heading", { name, level: 1 }).waitFor();
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: `“${name}” launched` });
    expect([calls(embedded, "CreateBroadcast"), calls(embedded, "PublishBroadcast")]).toEqual([1, 1]);
    await expect
      .poll(() => figures(app), { timeout: 180_000, interval: 2_000 })
      .toEqual({ recipients: "6", sent: "4", deferred: "1", suppressed: "1", failed: "0", toSend: "0", notSent: "absent" });
    expect(await text(app.getByTestId("broadcast-state"))).toBe("Sending · updated every 5 seconds");
    expect(await text(app.getByTestId("broadcast-fact-segment"))).toBe(`Segment${seeded.segment.name} (6 members)`);
    expect(await text(app.getByTestId("broadcast-fact-templates"))).toBe(`Templates${seeded.template.name}`);
    expect(await app.getByTestId("broadcast-analytics-link").getAttribute("href")).toMatch(/^\/dashboard\/journeys\/[^/]+\/analytics$/);
    expect(await app.getByRole("progressbar", { name: "6 of 6 handled" }).count()).toBe(0); // the deferred one is not handled
    expect(await app.getByRole("progressbar", { name: "5 of 6 handled" }).count()).toBe(1);
    await screenshot(page, "broadcast-progress");
    const journeyId = decodeURIComponent((await page.evaluate(() => location.pathname)).split("/").pop() ?? "");

    // when: paused behind a confirmation that says the held message waits too
    await app.getByRole("button", { name: "Pause", exact: true }).click();
    expect(await text(dialog.locator("p").first())).toBe("No one else starts and nothing more is sent until you resume it. The 1 message already queued (or held by quiet hours) waits too.");
    await dialog.getByRole("button", { name: "Pause", exact: true }).click();

    // then
    await expect.poll(() => text(app.getByTestId("broadcast-state"))).toBe("Paused");
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: `“${name}” paused` });

    // when: cancelled behind a confirmation that says what is never sent; first dismissed
    await app.getByRole("button", { name: "Cancel broadcast" }).click();
    expect(await text(dialog.locator("p").first())).toBe(
      `No one else is sent “${name}”: the 1 recipient not yet sent to never will be, and the 1 message queued or held by quiet hours is cancelled. A message being handed to the provider right now still goes. This cannot be undone.`,
    );
    await page.waitForTimeout(400); // the modal's fade-in
    await screenshot(page, "broadcast-cancel-confirm");
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    expect(calls(embedded, "CancelBroadcast")).toBe(0);
    await app.getByRole("button", { name: "Cancel broadcast" }).click();
    await dialog.getByRole("button", { name: "Cancel broadcast" }).click();

    // then: cancelled, the deferred message never sent
    await expect.poll(() => text(app.getByTestId("broadcast-state"))).toBe("Cancelled");
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: `“${name}” cancelled (1 message not sent)` });
    expect(await figures(app)).toEqual({ recipients: "6", sent: "4", deferred: "0", suppressed: "1", failed: "0", toSend: "0", notSent: "1" });
    expect(await app.getByRole("button", { name: "Cancel broadcast" }).count()).toBe(0);
    const progress = await graphql<{ broadcastProgress: Record<string, unknown> }>(PROGRESS, { id: journeyId });
    expect(progress.data?.broadcastProgress).toEqual({
      journey: { status: "archived" },
      recipients: 6,
      sent: 4,
      deferred: 0,
      suppressed: 1,
      failed: 0,
      queued: 0,
      cancelled: 1,
    });
    await screenshot(page, "broadcast-cancelled");

    // and: listed as cancelled, with its segment, template and progress
    await app.getByRole("link", { name: "Broadcasts", exact: true }).click();
    const row = app.getByTestId("broadcast-row").filter({ has: app.getByRole("link", { name, exact: true }) });
    await row.waitFor();
    expect(await text(row.getByTestId("broadcast-state"))).toBe("Cancelled");
    expect(await text(row.getByTestId("broadcast-segment"))).toBe(seeded.segment.name);
    expect(await text(row.getByTestId("broadcast-templates"))).toBe(seeded.template.name);
    expect(await text(row.getByTestId("broadcast-progress"))).toBe("4 of 6 sent");
    await screenshot(page, "broadcasts-list");
    expect(embedded.errors).toEqual([]);

    // and: in German, the same figures under German labels and a German date
    const german = await openApp({ path: `/broadcasts/${encodeURIComponent(journeyId)}`, locale: "de" });
    await german.app.getByRole("heading", { name, level: 1 }).waitFor();
    expect(await text(german.app.getByTestId("broadcast-state"))).toBe("Abgebrochen");
    expect(await text(german.app.getByTestId("figure-sent"))).toBe("Versendet4");
    expect(await text(german.app.getByTestId("figure-notSent"))).toBe("Abgebrochen, nicht gesendet1");
    expect(await text(german.app.getByTestId("broadcast-fact-schedule"))).toMatch(/^Wann\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} \(UTC\)$/);
    await screenshot(german.page, "broadcast-de");
    expect(german.errors).toEqual([]);
  }, 300_000);
});
