// Surveys and prize draws in the Dashboard: a survey made (its problems shown at their fields,
// the app's "key taken" too) and listed; a prize draw made, six people entered and answering the
// survey through the app's own services (tests/support/e2e_programmes_seed.py), the draw run with
// a seed and its winners the ones SHA-256 of "<seed>:<contact id>" ranks first; the survey's
// results; both pages in German; the draw deleted behind its confirmation.
import { createHash } from "node:crypto";

import { describe, expect, test } from "vitest";

import { e2e, graphql, growFrame, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

type Seeded = { contacts: { pk: number; email: string }[]; scores: number[] };

const stamp = `p${Date.now().toString(36)}`;
const surveyKey = `nps-${stamp}`;
const drawKey = `draw-${stamp}`;
const SEED = "e2e-seed-42";

const text = async (locator: { textContent(): Promise<string | null> }) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** Each cell's text of the first row a locator finds. */
const cells = (row: { evaluateAll<R>(fn: (rows: Element[]) => R): Promise<R> }) =>
  row.evaluateAll((rows) => [...(rows[0]?.querySelectorAll("th, td") ?? [])].map((cell) => (cell.textContent ?? "").trim()));

const seedProgrammes = async (): Promise<Seeded> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/programmes`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp, survey: surveyKey, draw: drawKey }),
  });
  if (!response.ok) throw new Error(`Seeding the answers and entries failed: ${await response.text()}`);
  return (await response.json()) as Seeded;
};

const idOf = async (kind: "surveys" | "draws", key: string): Promise<string> => {
  const { data } = await graphql<Record<string, { id: string; key: string }[]>>(`query E2EProgrammeIds { ${kind} { id key } }`);
  const found = data?.[kind]?.find((item) => item.key === key);
  if (!found) throw new Error(`No ${kind} ${key}`);
  return found.id;
};

describe("surveys and prize draws", () => {
  test("a survey and a draw made, the draw run with a seed, the results, in English and German", async () => {
    const { page, app, errors } = await openApp({ path: "/programmes" });
    await app.getByRole("heading", { name: "Surveys & prize draws", level: 1 }).waitFor();
    expect(await text(app.getByTestId("nav-programmes"))).toBe("Surveys & draws");

    // A survey: its problems at their fields, then made.
    await app.getByRole("button", { name: "New survey" }).click();
    const dialog = app.getByTestId("survey-dialog");
    await dialog.getByLabel("Key", { exact: true }).fill("NPS!");
    await dialog.getByTestId("survey-create").click();
    await dialog.getByText("2 to 64 lower-case letters, digits and hyphens, not starting with a hyphen.").waitFor();
    await dialog.getByText("Enter a name.").waitFor();
    await dialog.getByText("Enter the question.").waitFor();
    await screenshot(page, "survey-problems");
    await dialog.getByLabel("Key", { exact: true }).fill(surveyKey);
    await dialog.getByLabel("Name", { exact: true }).fill(`After delivery ${stamp}`);
    await dialog.getByLabel("Question", { exact: true }).fill("How likely are you to recommend us to a friend?");
    await dialog.getByTestId("survey-create").click();
    await app.getByRole("heading", { name: `After delivery ${stamp}`, level: 1 }).waitFor();
    expect(await text(app.getByTestId("survey-fact-answers"))).toBe("Answers0");
    await app.getByRole("link", { name: "← Surveys & draws" }).click();

    const surveyRow = app.getByTestId("survey-row").filter({ hasText: surveyKey });
    await surveyRow.waitFor();
    expect(await cells(surveyRow)).toEqual([`After delivery ${stamp}${surveyKey}`, "0–10 (Net Promoter Score)", "0", "–", "–", "Open"]);

    // The same key again: the app's refusal at the key field.
    await app.getByRole("button", { name: "New survey" }).click();
    await dialog.getByLabel("Key", { exact: true }).fill(surveyKey);
    await dialog.getByLabel("Name", { exact: true }).fill("Twice");
    await dialog.getByLabel("Question", { exact: true }).fill("Again?");
    await dialog.getByTestId("survey-create").click();
    await dialog.getByText("A survey with this key exists").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // A prize draw, two winners.
    await app.getByRole("button", { name: "New prize draw" }).click();
    const drawDialog = app.getByTestId("draw-dialog");
    await drawDialog.getByLabel("Key", { exact: true }).fill(drawKey);
    await drawDialog.getByLabel("Name", { exact: true }).fill(`Winter draw ${stamp}`);
    await drawDialog.getByLabel("Prize", { exact: true }).fill("A hamper");
    await drawDialog.getByLabel("Number of winners", { exact: true }).fill("2");
    await drawDialog.getByLabel("Closing time", { exact: true }).fill("2031-01-01T12:00");
    await drawDialog.getByTestId("draw-create").click();
    await app.getByRole("heading", { name: `Winter draw ${stamp}`, level: 1 }).waitFor();
    expect(await text(app.getByTestId("draw-fact-entries"))).toBe("Entries0");
    await app.getByTestId("draw-no-entries").waitFor();
    expect(errors).toEqual([]);

    const seeded = await seedProgrammes();
    const drawId = await idOf("draws", drawKey);
    const ranked = [...seeded.contacts].sort((a, b) => {
      const [ha, hb] = [a, b].map((c) => createHash("sha256").update(`${SEED}:${c.pk}`).digest("hex")) as [string, string];
      return ha < hb ? -1 : ha > hb ? 1 : a.pk - b.pk;
    });

    const drawn = await openApp({ path: `/draws/${encodeURIComponent(drawId)}` });
    const dapp = drawn.app;
    await dapp.getByRole("heading", { name: `Winter draw ${stamp}`, level: 1 }).waitFor();
    expect(await text(dapp.getByTestId("draw-fact-entries"))).toBe("Entries6");
    await dapp.getByLabel("Seed", { exact: true }).fill(SEED);
    await dapp.getByTestId("draw-run-button").click();
    const confirm = dapp.getByRole("alertdialog");
    expect(await text(confirm.getByText(/are drawn with the seed/))).toBe("2 winners are drawn with the seed “e2e-seed-42”. This cannot be undone.");
    await confirm.getByRole("button", { name: "Draw winners" }).click();
    await dapp.getByTestId("draw-winners-table").waitFor();
    expect(await text(dapp.getByTestId("draw-seed-value"))).toBe(SEED);
    const winners = await dapp.getByTestId("draw-winner").evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].slice(0, 2).map((cell) => (cell.textContent ?? "").trim())),
    );
    expect(winners).toEqual([
      ["1", ranked[0]!.email],
      ["2", ranked[1]!.email],
    ]);
    expect(await text(dapp.getByTestId("draw-seed-explained"))).toContain("The same seed with the same entries always gives the same winners");
    await drawn.host.waitForAction("notification", (action) => action.payload.title === "2 winners drawn");
    await growFrame(drawn.page, dapp);
    await screenshot(drawn.page, "draw-winners-en");

    // The survey's results: 10, 9, 9, 7, 3, 0.
    const surveyId = await idOf("surveys", surveyKey);
    const results = await openApp({ path: `/surveys/${encodeURIComponent(surveyId)}` });
    const sapp = results.app;
    await sapp.getByRole("heading", { name: `After delivery ${stamp}`, level: 1 }).waitFor();
    expect(await text(sapp.getByTestId("survey-fact-answers"))).toBe("Answers6");
    expect(await text(sapp.getByTestId("survey-fact-average"))).toBe("Average6.33");
    expect(await text(sapp.getByTestId("survey-fact-nps"))).toBe("NPS16.7");
    expect(await text(sapp.getByTestId("survey-nps-promoter"))).toBe("Promoters (9–10): 3 · 50.0 %");
    expect(await text(sapp.getByTestId("survey-nps-passive"))).toBe("Passives (7–8): 1 · 16.7 %");
    expect(await text(sapp.getByTestId("survey-nps-detractor"))).toBe("Detractors (0–6): 2 · 33.3 %");
    const comments = await sapp.getByTestId("survey-comment").evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].slice(0, 2).map((cell) => (cell.textContent ?? "").trim())),
    );
    expect(comments).toEqual([
      ["3", "The parcel came a week late."],
      ["10", "Fast delivery, lovely packaging."],
    ]);
    const chart = sapp.getByTestId("survey-chart");
    expect(await chart.getByRole("img").getAttribute("aria-label")).toBe("0: 1, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 2, 10: 1");
    // a bar for each rating given (recharts draws none of height 0), a tick for each of the scale
    expect(await chart.locator(".recharts-bar-rectangle path").count()).toBe(5);
    expect(await chart.locator(".recharts-xAxis .recharts-cartesian-axis-tick").count()).toBe(11);
    await growFrame(results.page, sapp);
    await screenshot(results.page, "survey-results-en");
    expect([...drawn.errors, ...results.errors]).toEqual([]);

    // In German.
    const list = await openApp({ path: "/programmes", locale: "de" });
    await list.app.getByRole("heading", { name: "Umfragen & Gewinnspiele", level: 1 }).waitFor();
    expect(await text(list.app.getByTestId("nav-programmes"))).toBe("Umfragen & Gewinnspiele");
    const deRow = list.app.getByTestId("survey-row").filter({ hasText: surveyKey });
    await deRow.waitFor();
    expect(await cells(deRow)).toEqual([`After delivery ${stamp}${surveyKey}`, "0–10 (Net Promoter Score)", "6", "6,33", "16,7", "Offen"]);
    expect(await text(list.app.getByTestId("draw-row").filter({ hasText: drawKey }).getByTestId("draw-status"))).toBe("Ausgelost");
    await growFrame(list.page, list.app);
    await screenshot(list.page, "list-de");
    const deSurvey = await openApp({ path: `/surveys/${encodeURIComponent(surveyId)}`, locale: "de" });
    await deSurvey.app.getByText("Promotoren (9–10): 3 · 50,0 %").waitFor();
    await growFrame(deSurvey.page, deSurvey.app);
    await screenshot(deSurvey.page, "survey-results-de");
    const deDraw = await openApp({ path: `/draws/${encodeURIComponent(drawId)}`, locale: "de" });
    await deDraw.app.getByRole("heading", { name: "Gewinner", level: 2 }).waitFor();
    expect(await text(deDraw.app.getByTestId("draw-fact-seed"))).toBe(`Startwert (Seed)${SEED}`);
    await growFrame(deDraw.page, deDraw.app);
    await screenshot(deDraw.page, "draw-winners-de");

    // Deleted behind its confirmation: cancelled first, then confirmed.
    await deDraw.app.getByTestId("draw-delete").click();
    await deDraw.app.getByTestId("confirm-dialog-cancel").click();
    await deDraw.app.getByTestId("draw-delete").click();
    await deDraw.app.getByTestId("confirm-dialog-confirm").click();
    await deDraw.app.getByRole("heading", { name: "Umfragen & Gewinnspiele", level: 1 }).waitFor();
    await deDraw.app.getByTestId("survey-row").filter({ hasText: surveyKey }).waitFor();
    expect(await deDraw.app.getByTestId("draw-row").filter({ hasText: drawKey }).count()).toBe(0);
    await expect(idOf("draws", drawKey)).rejects.toThrow(`No draws ${drawKey}`);
    expect([...list.errors, ...deSurvey.errors, ...deDraw.errors]).toEqual([]);
  });
  test("the journey editor's palette sets up a survey.answered entry: the survey, a least score, an NPS group", async () => {
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(
      `mutation E2ECreateSurveyJourney($name: String!) { createJourney(name: $name) { journey { id } } }`,
      { name: `Promoters ${stamp}` },
    );
    const id = data!.createJourney.journey.id;
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("palette-programme-survey_answered").click();
    await app.getByTestId("programme-fields").waitFor();
    await app.getByLabel("Survey key", { exact: true }).fill("nps");
    await app.getByLabel("Score at least", { exact: true }).fill("9");
    await app.getByRole("combobox", { name: "NPS group (0–10 surveys)", exact: true }).click();
    await app.getByRole("option", { name: "Promoters (9–10)" }).click();
    await expect
      .poll(
        async () =>
          (await graphql<{ journey: { draft: { entry?: unknown } } }>(`query E2ESurveyJourney($id: ID!) { journey(id: $id) { draft } }`, { id })).data!
            .journey.draft.entry,
        { timeout: 15_000 },
      )
      .toEqual({
        type: "event",
        event_type: "survey.answered",
        where: [
          { property: "survey", op: "eq", value: "nps" },
          { property: "score", op: "gte", value: 9 },
          { property: "nps_group", op: "eq", value: "promoter" },
        ],
        entry_key: "survey",
      });
    await screenshot(page, "survey-entry");
    await app.getByTestId("palette-programme-draw_won").click();
    await expect.poll(() => app.getByLabel("Draw key", { exact: true }).inputValue()).toBe("");
    expect(await app.getByTestId("field-least-score").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
