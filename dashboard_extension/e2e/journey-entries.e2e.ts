// An entry picked from the palette (pressed, not dragged) in a blank journey is drawn inside the
// canvas's view: the commerce triggers (back in stock, price drop, low stock), the survey and draw
// entries and a plain event entry. Before, a picked entry went to (0, -140) of a canvas whose view
// starts at its origin, so it was drawn above the visible area and the canvas looked empty.
import type { FrameLocator } from "playwright-core";
import { describe, expect, test } from "vitest";

import { graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const CREATE = `mutation E2ECreateBlankJourney($name: String!) { createJourney(name: $name) { journey { id } } }`;

/** The entry node's box lies wholly inside the canvas's box (both in the page's pixels). */
const entryInsideCanvas = async (app: FrameLocator): Promise<boolean> => {
  const canvas = await app.getByTestId("journey-canvas").boundingBox();
  const entry = await app.getByTestId("journey-node-@entry").boundingBox();
  if (!canvas || !entry) return false;
  return (
    entry.x >= canvas.x &&
    entry.y >= canvas.y &&
    entry.x + entry.width <= canvas.x + canvas.width &&
    entry.y + entry.height <= canvas.y + canvas.height
  );
};

const PICKS = [
  { testId: "palette-commerce-back_in_stock", eventType: "product.back_in_stock" },
  { testId: "palette-commerce-price_drop", eventType: "product.price_dropped" },
  { testId: "palette-commerce-stock_low", eventType: "product.stock_low" },
  { testId: "palette-programme-survey_answered", eventType: "survey.answered" },
  { testId: "palette-programme-draw_won", eventType: "draw.won" },
];

describe("entries picked in a blank journey", () => {
  test.each(PICKS)("$testId draws its entry inside the canvas's view", async ({ testId, eventType }) => {
    // given: a blank journey
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `Blank ${testId} ${Date.now()}` });
    const { page, app, errors } = await openApp({ path: `/journeys/${data!.createJourney.journey.id}` });
    await app.getByTestId("journey-editor").waitFor();

    // when: the entry pressed in the palette
    await app.getByTestId(testId).click();

    // then: the entry node is drawn, on its event, within the canvas's view
    const node = app.getByTestId("journey-node-@entry");
    await node.waitFor();
    await expect.poll(() => entryInsideCanvas(app)).toBe(true);
    expect(await app.locator('.react-flow__node[data-id="@entry"]').count()).toBe(1);
    expect(await node.getAttribute("data-node-type")).toBe("event");
    await expect.poll(() => node.textContent()).toContain(eventType);
    await screenshot(page, "entry");
    expect(errors).toEqual([]);
  });

  test("a plain event entry pressed in a blank journey is drawn inside the view too", async () => {
    const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name: `Blank event ${Date.now()}` });
    const { app, errors } = await openApp({ path: `/journeys/${data!.createJourney.journey.id}` });
    await app.getByTestId("journey-editor").waitFor();

    await app.getByTestId("palette-entry-event").click();

    await app.getByTestId("journey-node-@entry").waitFor();
    await expect.poll(() => entryInsideCanvas(app)).toBe(true);
    expect(errors).toEqual([]);
  });
});
