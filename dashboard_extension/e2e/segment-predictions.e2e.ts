// The rule builder's "Predicted value" condition on a new segment's page: before any night it
// says the condition matches nobody yet; after the nightly refresh below its gate (the browser
// tests' few buyers) it says how far the shop is, with the counts the night looked at; with a
// fitted night (tests/support/e2e_predictions_seed.py: five people with known scores) the live
// count follows each metric, operator and value, a currency without a spend fit is named; and
// the row in German.
import { join } from "node:path";

import type { FrameLocator, Locator } from "playwright-core";
import { describe, expect, test } from "vitest";

import { e2e, growFrame, openApp, saveWholePage, useBrowser } from "./harness";

useBrowser();

type Fit = { model: string; currency: string; status: string; customers: number; repeatCustomers: number; spanDays: number };

const seedPredictions = async (stamp: string, phase: "gate" | "fitted"): Promise<Fit[]> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/predictions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp, phase }),
  });
  if (!response.ok) throw new Error(`Seeding predictions failed: ${await response.text()}`);
  return ((await response.json()) as { fits: Fit[] }).fits;
};

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

const choose = async (app: FrameLocator, scope: Locator, label: string, option: string) => {
  await growFrame(scope.page(), app, 480);
  await scope.getByRole("combobox", { name: label, exact: true }).click();
  await app.getByRole("option", { name: option, exact: true }).dispatchEvent("click");
};

/** The live count once it is current. */
const count = async (app: FrameLocator): Promise<string> => {
  const shown = app.getByTestId("segment-preview-count");
  await expect.poll(() => shown.getAttribute("data-freshness"), { timeout: 15_000 }).toBe("current");
  return text(shown);
};

const expectCount = (app: FrameLocator, expected: string) => expect.poll(() => count(app), { timeout: 20_000 }).toBe(expected);

/** A new segment's builder with "email contains <stamp>" and a prediction row; the row. */
const builderWithPrediction = async (app: FrameLocator, stamp: string, labels = { field: "Field", email: "Email (text)", op: "Operator", contains: "contains", value: "Value", condition: "Condition", prediction: "Predicted value" }) => {
  const builder = app.getByTestId("rule-builder");
  await builder.waitFor();
  const rows = builder.getByTestId("rule-row");
  await choose(app, rows.nth(0), labels.field, labels.email);
  await choose(app, rows.nth(0), labels.op, labels.contains);
  await rows.nth(0).getByLabel(labels.value, { exact: true }).fill(stamp);
  await builder.getByTestId("add-condition").last().click();
  await choose(app, rows.nth(1), labels.condition, labels.prediction);
  await rows.nth(1).getByTestId("prediction-fields").waitFor();
  return rows.nth(1);
};

describe("segment rule builder: predicted value", () => {
  test("no fit, not enough data, then a fitted night's live counts per metric", async () => {
    const stamp = `pred${Date.now()}`;

    // given: no night yet
    {
      const { app, errors } = await openApp({ path: "/segments/new" });
      const row = await builderWithPrediction(app, stamp);
      const readiness = row.getByTestId("prediction-readiness");
      await readiness.waitFor();
      expect(await readiness.getAttribute("data-readiness")).toBe("notComputed");
      expect(await text(readiness)).toBe("No predictions yet: they are fitted every night. Until then this condition matches nobody.");
      expect(await row.getByLabel("Percent", { exact: true }).inputValue()).toBe("50");
      await expectCount(app, "0");
      await row.screenshot({ path: join(e2e().screenshotsDir, "segment-predictions-not-computed.png") });
      expect(errors).toEqual([]);
    }

    // when: the night runs below its gate
    const [bgnbd] = await seedPredictions(stamp, "gate");
    expect(bgnbd).toMatchObject({ model: "bgnbd", currency: "", status: "not_enough_data" });

    // then: how far the shop is, with the night's counts
    {
      const { app, errors } = await openApp({ path: "/segments/new" });
      const row = await builderWithPrediction(app, stamp);
      const readiness = row.getByTestId("prediction-readiness");
      await expect.poll(() => readiness.getAttribute("data-readiness")).toBe("notEnoughData");
      const lines = [
        "Not enough data for predictions yet, so this condition matches nobody:",
        `${bgnbd!.customers} buyers of 500 needed`,
        `${bgnbd!.repeatCustomers} repeat buyers of 100 needed`,
        ...(bgnbd!.spanDays < 180 ? [`${Math.floor(bgnbd!.spanDays)} days of order history of 180 needed`] : []),
      ];
      expect(await readiness.locator("span, p").allTextContents()).toEqual(lines);
      await row.screenshot({ path: join(e2e().screenshotsDir, "segment-predictions-not-enough-data.png") });
      expect(errors).toEqual([]);
    }

    // when: a fitted night (five people of this stamp with known scores)
    await seedPredictions(stamp, "fitted");

    // then: no note, and the live count follows the condition
    const { app, page, errors } = await openApp({ path: "/segments/new" });
    const row = await builderWithPrediction(app, stamp);
    await expectCount(app, "3"); // probability active at least 50 %: 0.92, 0.75, 0.6
    expect(await row.getByTestId("prediction-readiness").count()).toBe(0);
    await row.getByLabel("Percent", { exact: true }).fill("70");
    await expectCount(app, "2");

    await choose(app, row, "Measure", "Expected orders (12 months)");
    expect(await row.getByLabel("Orders", { exact: true }).inputValue()).toBe("1");
    await expectCount(app, "3"); // 4.1, 2.4, 1.2
    await row.getByLabel("Orders", { exact: true }).fill("2");
    await expectCount(app, "2");

    await choose(app, row, "Measure", "Expected spend (12 months)");
    expect(await row.getByLabel("Currency", { exact: true }).inputValue()).toBe("USD");
    await row.getByLabel("Amount", { exact: true }).fill("150");
    await expectCount(app, "2"); // 310, 180
    await choose(app, row, "Operator", "less than");
    await expectCount(app, "3"); // 95.50, 20, 4
    await row.getByLabel("Currency", { exact: true }).fill("eur");
    const readiness = row.getByTestId("prediction-readiness");
    await expect.poll(() => readiness.getAttribute("data-readiness")).toBe("noCurrencyFit");
    expect(await text(readiness)).toBe("No spend prediction in EUR yet (3 repeat buyers of 100 needed), so this condition matches nobody in it.");
    await expectCount(app, "0");
    await row.screenshot({ path: join(e2e().screenshotsDir, "segment-predictions-no-currency-fit.png") });

    await choose(app, row, "Measure", "Days to the expected next order");
    // (the comparison "less than" kept: the metric takes it; the combobox reads its label, then its value)
    expect(await text(row.getByRole("combobox", { name: "Operator", exact: true }))).toBe("Operatorless than");
    await growFrame(page, app, 480);
    await row.getByRole("combobox", { name: "Operator", exact: true }).click();
    expect(await app.getByRole("option").allTextContents()).toEqual(["less than", "at most", "more than", "at least"]);
    await app.getByRole("option", { name: "at most", exact: true }).dispatchEvent("click");
    await expectCount(app, "2"); // 12 and 25 days; 60 later, two with none expected
    await row.getByLabel("Days", { exact: true }).fill("90");
    await expectCount(app, "3");
    expect(await text(row.getByTestId("prediction-hint"))).toBe(
      "Days from today to the customer's expected next order; negative once it is overdue. Customers more likely lapsed than active have none.",
    );
    expect(await app.getByTestId("rule-builder").getByTestId("row-errors").count()).toBe(0);
    await saveWholePage(page, app, "segment-predictions.png");
    expect(errors).toEqual([]);
  });

  test("in German: the row's words and its live count", async () => {
    const stamp = `predde${Date.now()}`;
    await seedPredictions(stamp, "fitted");
    const { app, page, errors } = await openApp({ path: "/segments/new", locale: "de" });
    const row = await builderWithPrediction(app, stamp, {
      field: "Feld",
      email: "E-Mail (Text)",
      op: "Operator",
      contains: "enthält",
      value: "Wert",
      condition: "Bedingung",
      prediction: "Vorhergesagter Wert",
    });
    expect(await text(row.getByRole("combobox", { name: "Kennzahl", exact: true }))).toBe("KennzahlWahrscheinlichkeit noch aktiv");
    expect(await row.getByLabel("Prozent", { exact: true }).inputValue()).toBe("50");
    expect(await text(row.getByTestId("prediction-hint"))).toBe(
      "Die Wahrscheinlichkeit (0–100 %), dass der Kunde nicht abgewandert ist, aus Häufigkeit und Aktualität seiner Bestellungen (BG/NBD, jede Nacht berechnet).",
    );
    await expectCount(app, "3");
    await row.getByLabel("Prozent", { exact: true }).fill("90");
    await expectCount(app, "1");
    await saveWholePage(page, app, "segment-predictions-de.png");
    expect(errors).toEqual([]);
  });
});
