// The segments screens on a segment written by the app's own code (tests/support/e2e_segments_seed.py):
// "Germany <stamp>" selects this run's people in DE: Ada, Ben and Cem are members, Fay left 5 days
// ago when she moved to AT, Dora and Emil live in FR. Built 20 days ago, so its trend rose from 0
// to 4 then fell to 3.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FrameLocator, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, type Embedded, growFrame, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Person = { id: string; email: string; name: string };
type Seeded = {
  segment: { id: string; name: string; key: string; enteredAt: string };
  people: Record<"Ada" | "Ben" | "Cem" | "Dora" | "Emil" | "Fay", Person>;
};

const stamp = `s${Date.now().toString(36)}`;
let seeded: Seeded;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/segments`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the segments failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
}, 120_000);

const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, name);

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

/** The page's controls and links without an accessible name (each should have one). */
const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link)\b(?! ")/.test(line));
};

/** The live count once it is of the rules on screen. */
const currentCount = async (app: FrameLocator) => {
  const count = app.getByTestId("segment-preview-count");
  return (await count.getAttribute("data-freshness")) === "current" ? text(count) : null;
};

describe("segments", () => {
  // First: the editor's test saves other rules, and the rebuild that follows moves the members.
  test("the contacts list filtered to a segment's members", async () => {
    const { app, host, page } = await openApp({ path: "/contacts" });
    await app.getByRole("heading", { name: "Contacts", level: 1 }).waitFor();
    await app.getByLabel("Search contacts").fill(stamp);
    const names = async () => (await app.getByTestId("contact-link").allTextContents()).map((name) => name.trim()).sort();
    await expect.poll(names).toEqual(["Ada Ames", "Ben Berg", "Cem Cakir", "Dora Dupont", "Emil Escoffier", "Fay Fischer"]);

    await app.getByText("Filters", { exact: true }).click();
    await growFrame(page, app, 400); // the select's options open below the app's content
    await app.getByRole("combobox", { name: "Segment" }).click();
    await app.getByRole("option", { name: seeded.segment.name }).click();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/contacts?q=${stamp}&segment=${encodeURIComponent(seeded.segment.id)}`);
    await expect.poll(names).toEqual(["Ada Ames", "Ben Berg", "Cem Cakir"]);
  });

  test("a new segment: refused without a name, its condition chosen, created and opened at its own address", async () => {
    const embedded = await openApp({ path: "/segments" });
    const { app, page, host } = embedded;
    await app.getByRole("button", { name: "New segment" }).click();
    await app.getByRole("heading", { name: "New segment", level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/segments/new");
    const saveButton = app.getByTestId("segment-save");
    expect(await saveButton.isDisabled()).toBe(true);
    await app.getByLabel("Name", { exact: true }).fill("   ");
    await app.getByLabel("Name", { exact: true }).blur();
    expect(await text(app.getByText("A segment needs a name."))).toBe("A segment needs a name.");
    expect(await saveButton.isDisabled()).toBe(true);

    // "email contains <stamp>": this run's six people
    await app.getByLabel("Name", { exact: true }).fill(`Stamped ${stamp}`);
    await growFrame(page, app, 400); // the select's options open below the app's content
    const row = app.getByTestId("rule-row").nth(0);
    await row.getByRole("combobox", { name: "Operator" }).click();
    await app.getByRole("option", { name: "contains", exact: true }).click();
    await row.getByLabel("Value", { exact: true }).fill(stamp);
    await expect.poll(() => currentCount(app)).toBe("6");
    await saveButton.click();
    await host.waitForAction("notification", (a) => a.payload.title === `Stamped ${stamp} saved as revision 1`);
    await app.getByRole("heading", { name: `Stamped ${stamp}`, level: 1 }).waitFor();
    const created = await host.waitForAction("updateRouting", (a) => /^\/segments\/[A-Za-z0-9%]+$/.test(String(a.payload.newRoute)) && a.payload.newRoute !== "/segments/new");
    expect(atob(decodeURIComponent(String(created.payload.newRoute).slice("/segments/".length)))).toMatch(/^Segment:\d+$/);
    // 0 members until the rebuild the save enqueued has run in the app's worker, then 6
    expect(await text(app.getByTestId("segment-summary"))).toMatch(new RegExp(`^Key stamped-${stamp} · revision 1 · [06] members$`));

    // archived behind a confirmation that names it; then listed only with the archived ones
    await app.getByTestId("segment-archive").click();
    const dialog = app.getByRole("alertdialog");
    expect(await text(dialog.getByRole("heading"))).toBe(`Archive Stamped ${stamp}?`);
    await app.getByTestId("confirm-dialog-cancel").click();
    await dialog.waitFor({ state: "detached" });
    await app.getByTestId("segment-archive").click();
    await save(page, app, "segments-archive-confirm.png");
    await app.getByTestId("confirm-dialog-confirm").click();
    await host.waitForAction("notification", (a) => a.payload.title === `Stamped ${stamp} archived`);
    await expect.poll(() => text(app.getByTestId("segment-summary"))).toMatch(/^Archived · /);
    expect(await app.getByTestId("segment-save").count()).toBe(0);
    await app.getByRole("link", { name: "Segments", exact: true }).click();
    const listed = app.locator(`[data-segment-key="stamped-${stamp}"]`);
    await app.locator('[data-segment-key="champions"]').waitFor();
    expect(await listed.count()).toBe(0);
    await app.getByText("Show archived segments").click();
    await listed.waitFor();
    expect(await text(listed.getByTestId("segment-status"))).toBe("Archived");
    expect(embedded.errors).toEqual([]);
  });

  test("the list, a segment's history and CSV, a condition edited with the count following, an invalid value on its row, saved as revision 2", async () => {
    const embedded = await openApp({ path: "/segments" });
    const { app, page, host } = embedded;
    const { segment, people } = seeded;
    await app.getByRole("heading", { name: "Segments", level: 1 }).waitFor();

    // the list: members, the trend's change over 30 days, the status; built-in segments marked
    const row = app.locator(`[data-segment-key="${segment.key}"]`);
    await row.waitFor();
    expect(await text(row.getByTestId("segment-members"))).toBe("3");
    expect(await text(row.getByTestId("segment-trend-change"))).toBe("+3");
    expect(await row.getByRole("img").getAttribute("aria-label")).toBe("Members over the last 30 days: 0 on the first day, 3 today");
    expect(await text(row.getByTestId("segment-status"))).toBe("Active");
    expect(await text(row.getByTestId("segment-key"))).toBe(segment.key);
    expect(await row.getByTestId("segment-builtin").count()).toBe(0);
    expect(await text(app.locator('[data-segment-key="champions"]').getByTestId("segment-builtin"))).toBe("Built-in");
    await save(page, app, "segments-list.png");
    expect(await unlabelled(app)).toEqual([]);

    // the segment: its rules, the live count of them, its history
    await row.getByRole("link", { name: segment.name }).click();
    await app.getByRole("heading", { name: segment.name, level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/segments/${encodeURIComponent(segment.id)}`);
    expect(await text(app.getByTestId("segment-summary"))).toBe(`Key ${segment.key} · revision 1 · 3 members`);
    await expect.poll(() => currentCount(app)).toBe("3");
    const history = app.getByTestId("segment-history-row");
    await expect.poll(() => history.count()).toBe(4);
    const stays = await Promise.all(
      (await history.all()).map(async (stay) => [await text(stay.getByTestId("segment-history-contact")), await text(stay.locator("td").nth(1))]),
    );
    expect(stays.filter(([, left]) => left === "Still a member").map(([name]) => name).sort()).toEqual([people.Ada.name, people.Ben.name, people.Cem.name]);
    expect(stays.filter(([, left]) => left !== "Still a member").map(([name]) => name)).toEqual([people.Fay.name]);
    expect(await app.getByRole("link", { name: people.Fay.name }).getAttribute("href")).toBe(`/dashboard/contacts/${encodeURIComponent(people.Fay.id)}`);

    // the members as CSV, fetched with the Dashboard's token and saved as a download
    const [download] = await Promise.all([page.waitForEvent("download"), app.getByTestId("segment-csv").click()]);
    expect(download.suggestedFilename()).toBe(`segment-${segment.key}.csv`);
    const file = join(tmpdir(), `segments-${stamp}.csv`);
    await download.saveAs(file);
    const csv = readFileSync(file, "utf8").trim().split(/\r?\n/);
    expect(csv[0]).toBe("email,saleor_user_id,first_name,last_name,country,lifecycle_stage,orders_count,entered_at");
    expect(csv.slice(1).sort()).toEqual([
      `${people.Ada.email},,Ada,Ames,DE,vip,0,${segment.enteredAt}`,
      `${people.Ben.email},,Ben,Berg,DE,repeat,0,${segment.enteredAt}`,
      `${people.Cem.email},,Cem,Cakir,DE,prospect,0,${segment.enteredAt}`,
    ]);

    // the country changed from DE to FR: Dora and Emil
    const rows = app.getByTestId("rule-row");
    await expect.poll(() => rows.count()).toBe(2);
    const country = rows.nth(1).getByLabel("Value", { exact: true });
    expect(await country.inputValue()).toBe("DE");
    await country.fill("FR");
    await expect.poll(() => app.getByTestId("segment-preview-count").getAttribute("data-freshness")).not.toBe("current");
    await expect.poll(() => currentCount(app)).toBe("2");
    expect(await app.getByTestId("segment-preview-sample").getByRole("link").allTextContents()).toEqual([people.Emil.name, people.Dora.name]);
    expect(await text(app.getByTestId("segment-unsaved"))).toBe("Unsaved changes");

    // no country at all: refused on its row, nothing to save
    await country.fill("");
    const refused = rows.nth(1).getByTestId("row-errors");
    await refused.waitFor();
    expect(await text(refused)).toBe("Value: 'eq' takes a text of 1 to 256 characters");
    expect(await rows.nth(0).getByTestId("row-errors").count()).toBe(0);
    expect(await rows.nth(1).getAttribute("data-invalid")).toBe("true");
    expect(await app.getByTestId("segment-save").isDisabled()).toBe(true);
    await save(page, app, "segments-editor-error.png");

    // FR again, saved: revision 2
    await country.fill("FR");
    await expect.poll(() => currentCount(app)).toBe("2");
    await app.getByTestId("segment-save").click();
    await host.waitForAction("notification", (a) => a.payload.title === `${segment.name} saved as revision 2`);
    await expect.poll(() => app.getByTestId("segment-revision").count()).toBe(2);
    expect(await app.getByTestId("segment-revision").first().getAttribute("data-revision")).toBe("2");
    await expect.poll(() => text(app.getByTestId("segment-summary"))).toMatch(new RegExp(`^Key ${segment.key} · revision 2 · `));
    expect(await app.getByTestId("segment-unsaved").count()).toBe(0);

    // revision 1's rules, viewed, then loaded as an unsaved change
    const first = app.locator('[data-testid="segment-revision"][data-revision="1"]');
    await first.getByTestId("segment-revision-view").click();
    expect(await text(first.getByTestId("segment-revision-definition"))).toContain('"value": "DE"');
    await first.getByTestId("segment-revision-load").click();
    expect(await rows.nth(1).getByLabel("Value", { exact: true }).inputValue()).toBe("DE");
    await expect.poll(() => currentCount(app)).toBe("3");
    expect(await text(app.getByTestId("segment-unsaved"))).toBe("Unsaved changes");
    await save(page, app, "segments-editor.png");
    expect(await unlabelled(app)).toEqual([]);
    expect(await notifications(embedded)).toContainEqual({ status: "info", title: "Revision 1 loaded: save to keep it" });
    expect(embedded.errors).toEqual([]);
  });

});
