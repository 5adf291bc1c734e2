// Postal batches in the Dashboard: a journey's postal step filled a batch (three cards, one
// contact skipped for want of consent: tests/support/e2e_postal_seed.py); the batch listed
// open, downloaded as CSV (the exact rows the print partner gets), which closes it; marked sent
// to print; the page in German; the palette's "Send a card by post" step and its form.
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { e2e, graphql, openApp, screenshot, useBrowser } from "./harness";

const CREATE = `mutation E2EPostalJourney($name: String!, $draft: GenericScalar) { createJourney(name: $name, draft: $draft) { journey { id } } }`;
const READ = `query E2EPostalDraft($id: ID!) { journey(id: $id) { draft } }`;

useBrowser();

const stamp = `po${Date.now().toString(36)}`;

const text = async (locator: { textContent(): Promise<string | null> }) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const seedPostal = async (): Promise<{ journey: string; names: string[] }> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/postal`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding the postal batch failed: ${await response.text()}`);
  return (await response.json()) as { journey: string; names: string[] };
};

describe("postal batches", () => {
  test("a step's batch listed, downloaded (which closes it), marked sent, in English and German", async () => {
    const seeded = await seedPostal();
    const { page, app, errors } = await openApp({ path: "/postal" });
    await app.getByRole("heading", { name: "Postal batches", level: 1 }).waitFor();
    expect(await text(app.getByTestId("nav-postal"))).toBe("Postal batches");

    const row = app.getByTestId("postal-batch-row").filter({ hasText: seeded.journey });
    await row.waitFor();
    expect(await text(row.getByTestId("postal-batch-state"))).toBe("Open: cards are still added");
    expect(await text(row)).toContain("3 of 500 (1%)");
    expect(await row.getByTestId("postal-batch-sent").isDisabled()).toBe(true);
    await screenshot(page, "postal-batches-open");

    // The CSV: the partner's columns, each card's address and its English text.
    const [download] = await Promise.all([page.waitForEvent("download"), row.getByTestId("postal-batch-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^postal-\d{4}-\d{2}-\d{2}-card-1\.csv$/);
    const file = join(tmpdir(), `postal-${stamp}.csv`);
    await download.saveAs(file);
    const lines = (await readFile(file, "utf-8")).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "name,company,address_line_1,address_line_2,postal_code,city,city_area,country_area,country,template,language,greeting,message,voucher_code",
    );
    expect(lines.slice(1).map((line) => line.split(",").slice(0, 11).join(","))).toEqual([
      "Ada Lovelace,,Torstraße 1,,10119,BERLIN,,,DE,win-back-card,en",
      "Jörg Müller,,Torstraße 2,,10119,BERLIN,,,DE,win-back-card,en",
      "Grace Hopper,,Torstraße 3,,10119,BERLIN,,,DE,win-back-card,en",
    ]);
    expect(lines[1]).toContain('"Dear Ada,"');

    // Closed by its download; then marked sent to print.
    await row.getByTestId("postal-batch-state").filter({ hasText: "Closed by its download" }).waitFor();
    await row.getByTestId("postal-batch-sent").click();
    await row.getByTestId("postal-batch-state").filter({ hasText: "Sent to print" }).waitFor();
    await screenshot(page, "postal-batches-sent");
    expect(errors).toEqual([]);

    // In German.
    const german = await openApp({ path: "/postal", locale: "de" });
    await german.app.getByRole("heading", { name: "Postversand", level: 1 }).waitFor();
    const deRow = german.app.getByTestId("postal-batch-row").filter({ hasText: seeded.journey });
    expect(await text(deRow.getByTestId("postal-batch-state"))).toContain("An den Druck übergeben");
    expect(await text(deRow)).toContain("3 von 500 (1 %)");
    await screenshot(german.page, "postal-batches-de");
    expect(german.errors).toEqual([]);
  });

  test("the palette's 'Send a card by post' step and its form, in English and German", async () => {
    // given: a journey of one email
    const draft = {
      entry: { type: "manual" },
      start: "mail",
      nodes: { mail: { type: "send_email", template: "welcome-1", next: "done" }, done: { type: "exit" } },
    };
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `Card ${stamp}`, draft });
    const id = data!.createJourney.journey.id;
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    const canvas = app.getByTestId("journey-canvas");
    await canvas.getByTestId("journey-node-mail").waitFor();

    // when: the email is selected and the card step pressed in the palette
    await app.locator('.react-flow__node[data-id="mail"]').focus();
    await page.keyboard.press("Enter");
    await app.getByTestId("node-form-send_email").waitFor();
    expect(await text(app.getByTestId("palette-node-send_postal"))).toContain("Send a card by post");
    await app.getByTestId("palette-node-send_postal").focus();
    await page.keyboard.press("Enter");

    // then: its form with the step's defaults, and the saved draft has it after the email
    const form = app.getByTestId("node-form-send_postal");
    await form.waitFor();
    await form.getByLabel("Cards per batch at most", { exact: true }).fill("250");
    await app.locator('[data-testid="save-status"][data-status="saved"]').waitFor({ timeout: 15_000 });
    await screenshot(page, "postal-step-form");
    const saved = (await graphql<{ journey: { draft: { nodes: Record<string, Record<string, unknown>> } } }>(READ, { id })).data!.journey.draft;
    expect(saved.nodes["send-postal-1"]).toEqual({
      type: "send_postal",
      template: "win-back-card",
      max_per_batch: 250,
      cutoff_hour: 12,
      next: "done",
    });
    expect(errors).toEqual([]);

    // In German.
    const german = await openApp({ path: `/journeys/${id}`, locale: "de" });
    await german.app.getByTestId("journey-canvas").getByTestId("journey-node-send-postal-1").click();
    const deForm = german.app.getByTestId("node-form-send_postal");
    await deForm.getByLabel("Höchstens Karten pro Stapel", { exact: true }).waitFor();
    await deForm.getByLabel("Stapel schließt um (Stunde, UTC)", { exact: true }).waitFor();
    await screenshot(german.page, "postal-step-form-de");
    expect(german.errors).toEqual([]);
  });
});
