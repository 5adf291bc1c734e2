// The journey editor's date entry (a custom attribute, yearly, 14 days before), recurring entry
// (monthly from the 31st, its next occurrences shown) and "Attribute crossed a line" entry, set up
// from the palette and stored by autosave; the forms in English and German.
import { describe, expect, test } from "vitest";

import { graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const CREATE = `mutation E2ECreateDatesJourney($name: String!) { createJourney(name: $name) { journey { id } } }`;
const READ = `query E2EDatesJourney($id: ID!) { journey(id: $id) { draft } }`;

const created = async (name: string): Promise<string> => {
  const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `${name} ${Date.now()}` });
  return data!.createJourney.journey.id;
};

const storedEntry = (id: string) => async () => (await graphql<{ journey: { draft: { entry?: unknown } } }>(READ, { id })).data!.journey.draft.entry;

describe("dates, series and thresholds in the journey editor", () => {
  test("a date entry on a custom attribute, a monthly series from the 31st and a loyalty line", async () => {
    // given: an empty journey
    const id = await created("Check-up");
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("journey-editor").waitFor();

    // when: a date entry, its date a custom attribute, 14 days before
    await app.getByTestId("palette-entry-date").click();
    await app.getByTestId("date-entry-fields").waitFor();
    await app.getByRole("combobox", { name: "Date", exact: true }).click();
    await app.getByRole("option", { name: "Custom attribute…" }).click();
    await app.getByLabel("Custom attribute", { exact: true }).fill("check_up_due");
    await app.getByLabel("Days", { exact: true }).fill("14");
    await app.getByRole("combobox", { name: "Before or after", exact: true }).click();
    await app.getByRole("option", { name: "before the date" }).click();

    // then
    await expect.poll(storedEntry(id), { timeout: 15_000 }).toEqual({
      type: "date",
      field: "attribute",
      attribute: "check_up_due",
      repeat: "yearly",
      days_offset: -14,
      at_hour: 9,
    });
    await screenshot(page, "date-entry");

    // when: a recurring entry, monthly from 31 January
    await app.getByTestId("palette-entry-recurring").click();
    await app.getByTestId("recurring-fields").waitFor();
    await app.getByTestId("field-recurring-start").fill("2027-01-31");

    // then: the months' last days where they are shorter
    await expect.poll(() => app.getByTestId("recurring-next").textContent()).toBe("Next: 2027-01-31, 2027-02-28, 2027-03-31");
    await expect.poll(storedEntry(id), { timeout: 15_000 }).toEqual({ type: "recurring", every: 1, unit: "months", start: "2027-01-31", at_hour: 9 });
    await screenshot(page, "recurring-entry");

    // when: loyalty points crossing 1000 upward
    await app.getByTestId("palette-threshold").click();
    await app.getByTestId("threshold-fields").waitFor();
    await app.getByTestId("field-threshold-attribute").fill("loyalty_points");
    await app.getByTestId("field-threshold-value").fill("1000");

    // then
    await expect.poll(storedEntry(id), { timeout: 15_000 }).toEqual({
      type: "event",
      event_type: "attribute.threshold_crossed",
      where: [
        { property: "direction", op: "eq", value: "up" },
        { property: "attribute", op: "eq", value: "loyalty_points" },
        { property: "threshold", op: "eq", value: 1000 },
      ],
    });
    await screenshot(page, "threshold-entry");
    expect(errors).toEqual([]);
  });

  test("the forms in German", async () => {
    const id = await created("Serie");
    const { page, app, errors } = await openApp({ path: `/journeys/${id}`, locale: "de" });
    await app.getByTestId("journey-editor").waitFor();

    await app.getByTestId("palette-entry-date").click();
    await app.getByRole("combobox", { name: "Wiederholung", exact: true }).waitFor();
    await app.getByText("Jedes Jahr am Jahrestag", { exact: false }).waitFor();
    await screenshot(page, "date-entry-de");

    await app.getByTestId("palette-entry-recurring").click();
    await app.getByTestId("field-recurring-start").fill("2027-01-31");
    await expect.poll(() => app.getByTestId("recurring-next").textContent()).toBe("Nächste: 2027-01-31, 2027-02-28, 2027-03-31");
    await screenshot(page, "recurring-entry-de");

    await app.getByTestId("palette-threshold").click();
    await app.getByText("Attribut hat Schwelle überschritten").first().waitFor();
    await app.getByRole("combobox", { name: "Richtung", exact: true }).waitFor();
    await screenshot(page, "threshold-entry-de");
    expect(errors).toEqual([]);
  });
});
