// The app's home: the setup checklist says what the API says of each step (read from what the
// app holds, which the other browser tests change: so the expectation is read from the API), and
// the last 30 days' figures are the analytics overview's.
import { describe, expect, test } from "vitest";

import { eventually, graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

type Step = { key: string; done: boolean; detail: string; at: string | null };

describe("the overview", () => {
  test("shows each setup step as the API reads it, the progress, and the last 30 days", async () => {
    // given: the setup as the API reads it, once it holds still (a fresh harness's import of
    // the stand-in shop may still be running)
    const read = async () =>
      (await graphql<{ setupChecklist: Step[] }>("query E2ESetup { setupChecklist { key done detail at } }")).data!.setupChecklist;
    const steps = await eventually(async () => {
      const first = JSON.stringify(await read());
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const second = await read();
      return JSON.stringify(second) === first ? second : undefined;
    });

    // when
    const { page, app } = await openApp({ path: "/" });
    await app.getByTestId("setup-checklist").waitFor();

    // then: every step, in order, with its state; the journey step leads to the presets when undone
    const items = app.locator('[data-testid^="setup-"][data-done]');
    await expect.poll(() => items.count()).toBe(5);
    for (const [index, step] of steps.entries()) {
      const item = items.nth(index);
      expect(await item.getAttribute("data-testid")).toBe(`setup-${step.key}`);
      expect(await item.getAttribute("data-done")).toBe(String(step.done));
      expect(await item.getByTestId("setup-state").textContent()).toBe(step.done ? "Done" : "To do");
    }
    const done = steps.filter((step) => step.done).length;
    expect(await app.getByTestId("setup-progress").textContent()).toBe(
      done === steps.length ? "Everything is set up." : `${done} of ${steps.length} steps done`,
    );
    const journey = steps.find((step) => step.key === "journey")!;
    const presetsLink = app.getByTestId("setup-journey").getByRole("link", { name: "Open the presets" });
    expect(await presetsLink.count()).toBe(journey.done ? 0 : 1);
    const provider = steps.find((step) => step.key === "email_provider")!;
    const settingsLink = app.getByTestId("setup-email_provider").getByRole("link", { name: "Open the settings" });
    expect(await settingsLink.count()).toBe(provider.done ? 0 : 1);
    const sender = steps.find((step) => step.key === "sender")!;
    if (sender.done) {
      expect(await app.getByTestId("setup-sender").getByTestId("setup-text").textContent()).toBe(`Emails go from ${sender.detail}.`);
    }
    // the figures of the last 30 days, and the way to all of them
    await app.getByTestId("overview-figures").getByTestId("kpi-value-sent").first().waitFor();
    await app.getByTestId("overview-figures").getByRole("link", { name: "All figures" }).waitFor();
    await screenshot(page, "home");
  });
});
