// The analytics screens on a constructed history (tests/support/e2e_analytics_seed.py, written by
// the app's own code): a week that ended ten days ago and the week before it, so nothing the other
// browser tests do today adds to them. Every figure asserted here follows from that history:
// - this week: 70 emails (60 of "Abandoned checkout (analytics)", 10 of "Welcome (analytics)"),
//   38 opened, 19 clicked, 16 orders attributed (EUR 580, USD 90), 1 bounce, 1 complaint (which
//   also unsubscribes), 3 sign-ups and 1 withdrawal;
// - the week before: 20 emails, 8 opened, 2 clicked, 1 order (EUR 20), 2 sign-ups;
// - the abandoned-checkout journey: 60 treated runs (a 50/50 split), 30 held out; branch A 30
//   emails, 15 opened, 6 clicked, 6 converted (EUR 50 each); branch B 30, 18, 12, 10 converted
//   (7 x EUR 40, 3 x USD 30); 2 held-out runs converted (EUR 25 each).

import type { FrameLocator, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";

import { e2e, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Seeded = { abandonedId: string; welcomeId: string; saleId: string; from: string; to: string; previousFrom: string; previousTo: string };

let seeded: Seeded;

beforeAll(async () => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/analytics`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  if (!response.ok) throw new Error(`Seeding the analytics history failed: ${await response.text()}`);
  seeded = (await response.json()) as Seeded;
}, 120_000);

/** The screenshots the issue names: the whole app page (its frame grown to its content first;
 * the stand-in Dashboard's frame is as high as the window). */
const save = (page: Page, app: FrameLocator, name: string) => saveWholePage(page, app, name, 300); // the charts follow their new size

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** Custom dates: the seeded week, compared with the week before. */
const pickSeededWeek = async (app: FrameLocator) => {
  await app.getByRole("combobox", { name: "Period", exact: true }).click();
  await app.getByRole("option", { name: "Custom dates" }).click();
  await app.getByLabel("From (UTC day)").fill(seeded.from);
  await app.getByLabel("To (UTC day, included)").fill(seeded.to);
};

/** The page's controls and links without an accessible name (each should have one). */
const unlabelled = async (app: FrameLocator): Promise<string[]> => {
  const tree = await app.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch|link)\b(?! ")/.test(line));
};

const kpi = (app: FrameLocator, key: string) => app.getByTestId(`kpi-value-${key}`);

const figure = async (app: FrameLocator, key: string) => ({
  value: await text(kpi(app, key).getByTestId("kpi-figure")),
  change: (await kpi(app, key).getByTestId("kpi-change").count()) ? await text(kpi(app, key).getByTestId("kpi-change")) : null,
});

const money = async (app: FrameLocator, key: string) =>
  Promise.all(
    (await kpi(app, key).getByTestId("kpi-money").all()).map(async (row) => ({
      amount: await text(row.getByTestId("kpi-amount")),
      change: (await row.getByTestId("kpi-change").count()) ? await text(row.getByTestId("kpi-change")) : null,
    })),
  );

/** A table's rows as the cells' texts (header cell first). */
const rows = async (table: Locator) =>
  Promise.all((await table.locator("tbody tr").all()).map(async (row) => Promise.all((await row.locator("th, td").all()).map(text))));

describe("analytics", () => {
  test("the overview shows the seeded week against the week before: KPIs, funnel, charts, top journeys and templates", async () => {
    const embedded = await openApp({ path: "/analytics" });
    const { app, page, host } = embedded;
    await app.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === "/analytics");
    await pickSeededWeek(app);
    const period = app.getByTestId("period");
    await expect
      .poll(async () => text(period))
      .toBe(
        `${day(seeded.from)} – ${day(seeded.to)} (UTC days) compared with ${day(seeded.previousFrom)} – ${day(seeded.previousTo)}`,
      );

    expect(await money(app, "revenue")).toEqual([
      { amount: "€580.00", change: "▲ +2,800% (+€560.00) vs previous period" },
      { amount: "$90.00", change: "▲ +$90.00 (none before) vs previous period" },
    ]);
    expect(await figure(app, "orders")).toEqual({ value: "16", change: "▲ +1,500% (+15) vs previous period" });
    expect(await figure(app, "recovered")).toEqual({ value: "16", change: "▲ +16 (none before) vs previous period" });
    expect(await money(app, "recoveredRevenue")).toEqual([
      { amount: "€580.00", change: "▲ +€580.00 (none before) vs previous period" },
      { amount: "$90.00", change: "▲ +$90.00 (none before) vs previous period" },
    ]);
    expect(await figure(app, "sent")).toEqual({ value: "70", change: "▲ +250% (+50) vs previous period" });
    // 38 of 70 opened (8 of 20 before), 19 of 70 clicked (2 of 20)
    expect(await figure(app, "openRate")).toEqual({ value: "54.3%", change: "▲ +14.3 pts vs previous period" });
    expect(await figure(app, "clickRate")).toEqual({ value: "27.1%", change: "▲ +17.1 pts vs previous period" });
    expect(await figure(app, "subscribed")).toEqual({ value: "3", change: "▲ +50% (+1) vs previous period" });
    expect(await figure(app, "unsubscribed")).toEqual({ value: "2", change: "▲ +2 (none before) vs previous period" });
    expect(await kpi(app, "unsubscribed").getByTestId("kpi-change").getAttribute("data-tone")).toBe("bad");
    // 1 bounce and 1 complaint of 70: over the 0.3% line
    expect(await figure(app, "bounceRate")).toEqual({ value: "1.43%", change: "▲ +1.4 pts vs previous period" });
    expect(await figure(app, "complaintRate")).toEqual({ value: "1.43%", change: "▲ +1.4 pts vs previous period" });
    expect(await app.getByTestId("kpi-complaintRate").getAttribute("data-warning")).toBe("true");
    expect(await text(app.getByTestId("complaint-line"))).toBe("At or over the 0.3% line Gmail and Yahoo enforce: mail may be refused.");
    expect(await app.locator('[data-warning="true"]').count()).toBe(1);

    expect(await app.getByTestId("funnel-steps").locator("li").allTextContents()).toEqual([
      "Sent: 70",
      "Opened: 38 (54.3%)",
      "Clicked: 19 (27.1%)",
      "Converted: 16 (22.9%)",
    ]);
    await app.getByTestId("funnel-no-delivery").waitFor();
    await app.getByTestId("activity-chart").locator(".recharts-line").first().waitFor();
    expect(await app.getByTestId("activity-chart").locator(".recharts-line").count()).toBe(4);
    expect(await app.getByRole("heading", { level: 3, name: /^Revenue in/ }).allTextContents()).toEqual([
      "Revenue in EUR per day (total €580.00)",
      "Revenue in USD per day (total $90.00)",
    ]);

    expect(await rows(app.getByTestId("top-journeys"))).toEqual([
      ["Abandoned checkout (analytics)", "60", "60", "0", "33 (55.0%)", "18 (30.0%)", "16", "€580.00$90.00", "Analytics"],
      ["Welcome (analytics)", "0", "10", "0", "5 (50.0%)", "1 (10.0%)", "0", "–", "Analytics"],
    ]);
    expect(await rows(app.getByTestId("top-templates"))).toEqual([
      ["Abandoned checkout 2", "30", "0", "18 (60.0%)", "12 (40.0%)", "10", "€280.00$90.00"],
      ["Abandoned checkout 1", "30", "0", "15 (50.0%)", "6 (20.0%)", "6", "€300.00"],
      ["Welcome 1", "10", "0", "5 (50.0%)", "1 (10.0%)", "0", "–"],
    ]);
    expect(await rows(app.getByTestId("overview-channels"))).toEqual([["email", "70", "0", "38 (54.3%)", "19 (27.1%)", "16", "€580.00$90.00"]]);
    await save(page, app, "analytics-overview.png");
    expect(await unlabelled(app)).toEqual([]);

    // a journey's row opens its editor, inside the Dashboard
    await app.getByTestId("top-journeys").getByRole("link", { name: "Abandoned checkout (analytics)", exact: true }).click();
    await host.waitForAction("updateRouting", (a) => a.payload.newRoute === `/journeys/${encodeURIComponent(seeded.abandonedId)}`);
    await app.getByTestId("journey-editor").waitFor();
    expect(embedded.errors).toEqual([]);
  });

  test("a journey's analytics: its funnel, holdout with the lift's interval, the split test, versions and channels", async () => {
    const embedded = await openApp({ path: `/journeys/${encodeURIComponent(seeded.abandonedId)}/analytics` });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Analytics: Abandoned checkout (analytics)", level: 1 }).waitFor();
    await pickSeededWeek(app);
    await expect.poll(() => text(app.getByTestId("period"))).toBe(`${day(seeded.from)} – ${day(seeded.to)} (UTC days) compared with ${day(seeded.previousFrom)} – ${day(seeded.previousTo)}`);

    expect(await figure(app, "entered")).toEqual({ value: "60", change: "▲ +60 (none before) vs previous period" });
    expect(await figure(app, "sent")).toEqual({ value: "60", change: "▲ +60 (none before) vs previous period" });
    // the week before sent nothing: no rate to compare with
    expect(await figure(app, "openRate")).toEqual({ value: "55.0%", change: null });
    expect(await figure(app, "clickRate")).toEqual({ value: "30.0%", change: null });
    expect(await figure(app, "converted")).toEqual({ value: "16", change: "▲ +16 (none before) vs previous period" });
    expect(await figure(app, "conversionRate")).toEqual({ value: "26.7%", change: null });
    expect((await money(app, "goalRevenue")).map((row) => row.amount)).toEqual(["€580.00", "$90.00"]);
    expect(await app.getByTestId("funnel-steps").locator("li").allTextContents()).toEqual([
      "Sent: 60",
      "Opened: 33 (55.0%)",
      "Clicked: 18 (30.0%)",
      "Converted: 16 (26.7%)",
    ]);

    const holdout = app.getByTestId("holdout");
    expect(await text(holdout.getByRole("heading", { level: 2 }))).toBe("Holdout (20% of runs get no message)");
    expect(await text(holdout.getByTestId("holdout-verdict"))).toBe("Better than no message");
    expect(await holdout.getByTestId("holdout-verdict").getAttribute("data-tone")).toBe("success");
    // the sentence is built from the figures (the same words as the API's English)
    expect(await text(holdout.getByTestId("holdout-message"))).toBe(
      "The journey works: its recipients converted 20.0 points more than the holdout (26.7% against 6.7%; 95% interval 5.7 to 34.3 points).",
    );
    expect(await rows(holdout.getByTestId("holdout-groups"))).toEqual([
      ["Received the journey", "60", "16", "26.7%", "€580.00$90.00"],
      ["Held out", "30", "2", "6.7%", "€50.00"],
    ]);
    expect(await text(holdout.getByTestId("holdout-lift"))).toBe("Lift +20.0 pts (95% interval +5.7 pts to +34.3 pts)");
    expect(await holdout.getByTestId("holdout-lift").getByRole("img").getAttribute("data-excludes-zero")).toBe("true");
    expect(await rows(holdout.getByTestId("holdout-revenue"))).toEqual([
      ["EUR", "€9.67", "€1.67", "€8.00", "€2.76 to €13.24"],
      ["USD", "$1.50", "$0.00", "$1.50", "-$0.17 to $3.17"],
    ]);

    const split = app.getByTestId("ab-test-split");
    expect(await text(split.getByRole("heading", { level: 2 }))).toBe("Split test at split");
    expect(await text(split.getByTestId("ab-verdict"))).toBe("No winner yet");
    expect(await text(split.getByTestId("ab-message"))).toBe("No winner yet: no variant's conversion rate differs significantly from another's.");
    await split.getByText("Decided by conversions").waitFor();
    expect(await rows(split.getByTestId("ab-variants"))).toEqual([
      ["Branch A (control)", "30", "6 (20.0%)", "6 (20.0%)", "–", "–"],
      ["Branch B", "30", "10 (33.3%)", "12 (40.0%)", "+13.3 pts (95% interval -8.8 pts to +35.5 pts)", "0.243"],
    ]);

    expect(await rows(app.getByTestId("versions"))).toEqual([["Version 1", "60", "60", "0", "33 (55.0%)", "18 (30.0%)", "16", "€580.00$90.00"]]);
    expect(await rows(app.getByTestId("channels"))).toEqual([["email", "60", "0", "33 (55.0%)", "18 (30.0%)", "16", "€580.00$90.00"]]);
    await save(page, app, "journey-analytics.png");
    expect(await unlabelled(app)).toEqual([]);

    // one version: the same figures (the journey has only version 1)
    await app.getByRole("combobox", { name: "Version", exact: true }).click();
    await app.getByRole("option", { name: "Version 1" }).click();
    await expect.poll(() => figure(app, "entered")).toMatchObject({ value: "60" });
    expect(embedded.errors).toEqual([]);
  });

  test("speaks German in the dark theme: the last 30 days of the journey, money in German notation", async () => {
    const embedded = await openApp({ path: `/journeys/${encodeURIComponent(seeded.abandonedId)}/analytics`, locale: "de", theme: "dark" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Auswertung: Abandoned checkout (analytics)", level: 1 }).waitFor();
    // the default period, the last 30 days, holds the whole seeded week and nothing else of this journey
    expect(await text(app.getByTestId("holdout").getByTestId("holdout-verdict"))).toBe("Besser als keine Nachricht");
    // the verdicts' sentences in German, numbers in German notation
    expect(await text(app.getByTestId("holdout").getByTestId("holdout-message"))).toBe(
      "Die Journey wirkt: Ihre Empfänger haben um 20,0 Prozentpunkte häufiger konvertiert als die Kontrollgruppe (26,7 % gegenüber 6,7 %; 95-%-Intervall 5,7 bis 34,3 Prozentpunkte).",
    );
    expect(await text(app.getByTestId("ab-test-split").getByTestId("ab-message"))).toBe(
      "Noch kein Gewinner: Die Conversion-Rate keiner Variante unterscheidet sich signifikant von der einer anderen.",
    );
    expect((await money(app, "goalRevenue")).map((row) => row.amount)).toEqual(["580,00 €", "90,00 $"]);
    expect(await figure(app, "openRate")).toMatchObject({ value: "55,0 %" });
    await save(page, app, "journey-analytics-german-dark.png");
    expect(embedded.errors).toEqual([]);
  });

  test("a broadcast's test share: the winner by clicks sent to the rest, not significant with 10 people a branch", async () => {
    const embedded = await openApp({ path: `/journeys/${encodeURIComponent(seeded.saleId)}/analytics` });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Analytics: Sale broadcast (analytics)", level: 1 }).waitFor();
    const broadcast = app.getByTestId("broadcast");
    await broadcast.waitFor();
    // since it started (40 days ago, before every period): 20 sent, 12 opened, 5 clicked
    expect(await broadcast.getByTestId("funnel-steps").locator("li").allTextContents()).toEqual([
      "Sent: 20",
      "Opened: 12 (60.0%)",
      "Clicked: 5 (25.0%)",
      "Converted: 0 (0.0%)",
    ]);
    const share = broadcast.getByTestId("broadcast-test");
    expect(await text(share.getByTestId("broadcast-settings"))).toBe(
      "20% got a variant first; after 4 hours the winner by clicks goes to the rest.",
    );
    expect(await text(share.getByTestId("broadcast-decision"))).toMatch(
      /^Sent to the rest: Branch B \(decided .+; the best rate seen, not a significant win\)$/,
    );
    const result = share.getByTestId("ab-test-ab");
    expect(await text(result.getByTestId("ab-verdict"))).toBe("Too few recipients yet");
    expect(await text(result.getByTestId("ab-message"))).toBe("Too few recipients to compare yet: each variant needs 30 and all together 5 clicks.");
    await result.getByText("Decided by clicks").waitFor();
    expect(await rows(result.getByTestId("ab-variants"))).toEqual([
      ["Branch A (control)", "10", "0 (0.0%)", "1 (10.0%)", "–", "–"],
      ["Branch B", "10", "0 (0.0%)", "4 (40.0%)", "+30.0 pts (95% interval -5.6 pts to +65.6 pts)", "0.121"],
    ]);
    await save(page, app, "broadcast-analytics.png");
    expect(embedded.errors).toEqual([]);
  });

  test("the journey canvas shows each send node's last 30 days and the split's branches", async () => {
    const embedded = await openApp({ path: `/journeys/${encodeURIComponent(seeded.abandonedId)}` });
    const { app, page } = embedded;
    await app.getByTestId("journey-editor").waitFor();
    const reminder = app.getByTestId("journey-node-figures-reminder");
    await reminder.waitFor();
    expect(await text(reminder)).toBe("30 sent · 50.0% opened · 20.0% clicked");
    expect(await text(app.getByTestId("journey-node-figures-discount"))).toBe("30 sent · 60.0% opened · 40.0% clicked");
    const split = app.getByTestId("journey-node-figures-split");
    expect(await split.locator("[data-winner]").allTextContents()).toEqual(["Branch A: 20.0%", "Branch B: 33.3%"]);
    await split.getByText("no winner yet").waitFor();
    await save(page, app, "editor-node-figures.png");

    // the header links to the journey's analytics
    await app.getByTestId("journey-analytics-link").click();
    await app.getByRole("heading", { name: "Analytics: Abandoned checkout (analytics)", level: 1 }).waitFor();
    expect(embedded.errors).toEqual([]);
  });
});

/** A UTC day as the period line shows it in English ("Nov 19, 2026"). */
function day(iso: string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}
