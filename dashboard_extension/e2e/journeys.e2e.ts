// The journeys list and the presets gallery in the stand-in Dashboard: create, pause, resume and
// archive behind a confirmation, install a preset as a draft; notifications through App Bridge.
import { describe, expect, test } from "vitest";

import { activePresetJourney, type Embedded, graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

type JourneyState = { id: string; name: string; key: string; status: string; currentVersion: { number: number } | null };

const JOURNEY_FIELDS = "id name key status currentVersion { number }";

const journeys = async (): Promise<JourneyState[]> =>
  (await graphql<{ journeys: JourneyState[] }>(`query E2EJourneys { journeys { ${JOURNEY_FIELDS} } }`)).data!.journeys;

const journey = async (id: string): Promise<JourneyState | null> =>
  (await graphql<{ journey: JourneyState | null }>(`query E2EJourney($id: ID!) { journey(id: $id) { ${JOURNEY_FIELDS} } }`, { id }))
    .data!.journey;

/** The journey id of an updateRouting to the editor (/journeys/<id>). */
const journeyIdOf = (newRoute: unknown): string => decodeURIComponent(String(newRoute).split("/")[2] ?? "");

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

describe("journeys list", () => {
  test("creating a journey: its name is required, then the editor opens and the list shows the draft", async () => {
    const embedded = await openApp({ path: "/journeys" });
    const { app, host, page } = embedded;
    await app.getByRole("heading", { name: "Journeys", level: 1 }).waitFor();

    await app.getByRole("button", { name: "Create and edit" }).click();
    await app.getByText("Give the journey a name.").waitFor();
    await screenshot(page, "name-required");

    await app.getByLabel("Name of the new journey").fill("E2E created journey");
    await app.getByRole("button", { name: "Create and edit" }).click();
    const routed = await host.waitForAction("updateRouting", (a) => /^\/journeys\/[^/]+$/.test(String(a.payload.newRoute)));
    const id = journeyIdOf(routed.payload.newRoute);
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: "Journey “E2E created journey” created" });
    expect(await journey(id)).toEqual({ id, name: "E2E created journey", key: expect.any(String), status: "draft", currentVersion: null });
    await screenshot(page, "editor-opened");

    await app.getByRole("navigation").getByRole("link", { name: "Journeys" }).click();
    const row = app.locator(`[data-testid="journey-row"][data-journey-id="${id}"]`);
    await row.getByText("E2E created journey").waitFor();
    await row.getByText("Draft").waitFor();
    await row.getByText("Not published").waitFor();
    expect(await row.getByRole("button").allTextContents()).toEqual(["Archive"]);
    await screenshot(page, "listed");
    expect(embedded.errors).toEqual([]);
  });

  test("pause, resume and archive, each behind a confirmation that can be cancelled", async () => {
    const live = await activePresetJourney("win-back");
    const embedded = await openApp({ path: "/journeys" });
    const { app, page } = embedded;
    const row = app.locator(`[data-testid="journey-row"][data-journey-id="${live.id}"]`);
    await row.getByText("Active").waitFor();
    await row.getByText("Version 1").waitFor();
    const dialog = app.getByRole("alertdialog");

    // cancelled: nothing changes
    await row.getByRole("button", { name: `Pause ${live.name}` }).click();
    await dialog.getByText(`Pause “${live.name}”?`).waitFor();
    await screenshot(page, "confirm-pause");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect((await journey(live.id))?.status).toBe("active");

    await row.getByRole("button", { name: `Pause ${live.name}` }).click();
    await dialog.getByRole("button", { name: "Pause" }).click();
    await row.getByText("Paused").waitFor();
    expect((await journey(live.id))?.status).toBe("paused");

    await row.getByRole("button", { name: `Resume ${live.name}` }).click();
    await dialog.getByText(`Resume “${live.name}”?`).waitFor();
    await dialog.getByRole("button", { name: "Resume" }).click();
    await row.getByText("Active").waitFor();
    expect((await journey(live.id))?.status).toBe("active");

    await row.getByRole("button", { name: `Archive ${live.name}` }).click();
    await dialog.getByText("Its runs stop for good and it cannot be resumed. This cannot be undone.").waitFor();
    await screenshot(page, "confirm-archive");
    await dialog.getByRole("button", { name: "Archive" }).click();
    // an archived journey leaves the list; the journey itself is kept, archived
    await row.waitFor({ state: "detached" });
    expect((await journey(live.id))?.status).toBe("archived");
    await screenshot(page, "archived");

    expect(await notifications(embedded)).toEqual([
      { status: "success", title: `“${live.name}” is paused` },
      { status: "success", title: `“${live.name}” is active again` },
      { status: "success", title: `“${live.name}” is archived` },
    ]);
    expect(embedded.errors).toEqual([]);
  });
});

describe("presets gallery", () => {
  test("every preset with its description and a preview; one installs as a draft and opens in the editor", async () => {
    const { data } = await graphql<{ journeyPresets: { key: string; name: string; description: string }[] }>(
      "query E2EPresets { journeyPresets { key name description } }",
    );
    const presets = data!.journeyPresets;
    const embedded = await openApp({ path: "/journeys/presets" });
    const { app, host, page } = embedded;
    await app.getByTestId("preset-card").first().waitFor();
    await screenshot(page, "gallery");

    expect(await app.getByTestId("preset-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-preset-key")))).toEqual(
      presets.map((preset) => preset.key),
    );
    for (const preset of presets) {
      const card = app.locator(`[data-testid="preset-card"][data-preset-key="${preset.key}"]`);
      await card.getByRole("heading", { name: preset.name }).waitFor();
      await card.getByText(preset.description).waitFor();
      expect(await card.getByRole("img").count()).toBe(1);
    }

    const abandoned = presets.find((preset) => preset.key === "abandoned-checkout")!;
    const before = new Set((await journeys()).map((j) => j.id));
    await app.getByRole("button", { name: `Install ${abandoned.name} as a draft` }).click();
    const routed = await host.waitForAction("updateRouting", (a) => /^\/journeys\/(?!presets$)[^/]+$/.test(String(a.payload.newRoute)));
    const id = journeyIdOf(routed.payload.newRoute);
    expect(before.has(id)).toBe(false);
    expect(await journey(id)).toMatchObject({ id, name: abandoned.name, status: "draft", currentVersion: null });
    await expect.poll(() => notifications(embedded)).toContainEqual({
      status: "success",
      title: `“${abandoned.name}” installed as a draft`,
    });
    await screenshot(page, "installed");
    expect(embedded.errors).toEqual([]);
  });
});
