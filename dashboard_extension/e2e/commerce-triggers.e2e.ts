// The journey editor's commerce triggers: the palette offers back in stock, price drop and low
// stock as entries; one picked sets up an event entry on its event with its settings (the window
// in days, the least drop), which the side panel edits as the entry's filters and autosave keeps.
import { describe, expect, test } from "vitest";

import { graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const CREATE = `mutation E2ECreateCommerceJourney($name: String!) { createJourney(name: $name) { journey { id } } }`;
const READ = `query E2ECommerceJourney($id: ID!) { journey(id: $id) { draft } }`;

describe("commerce triggers in the journey editor", () => {
  test("the palette sets up a price-drop entry whose window and least drop the side panel edits", async () => {
    // given: an empty journey
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `Price drop ${Date.now()}` });
    const id = data!.createJourney.journey.id;
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("journey-editor").waitFor();
    await app.getByTestId("palette-commerce-price_drop").waitFor();
    await screenshot(page, "palette");

    // when: the price-drop trigger picked, then its settings changed
    await app.getByTestId("palette-commerce-price_drop").click();
    await app.getByTestId("commerce-fields").waitFor();
    await screenshot(page, "price-drop-form");
    await app.getByTestId("field-interest_days").fill("5");
    await app.getByTestId("field-drop_percent").fill("25");

    // then: the draft's entry, as autosave stored it
    await expect
      .poll(async () => (await graphql<{ journey: { draft: { entry?: unknown } } }>(READ, { id })).data!.journey.draft.entry, {
        timeout: 15_000,
      })
      .toEqual({
        type: "event",
        event_type: "product.price_dropped",
        where: [
          { property: "interest_days", op: "lte", value: 5 },
          { property: "drop_percent", op: "gte", value: 25 },
        ],
        entry_key: "product_id",
      });

    // and the low-stock trigger has a window but no least drop
    await app.getByTestId("palette-commerce-stock_low").click();
    await expect.poll(() => app.getByTestId("field-interest_days").inputValue()).toBe("7");
    expect(await app.getByTestId("field-drop_percent").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
