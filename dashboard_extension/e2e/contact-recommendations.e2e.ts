// The contact profile's recommendations card: a contact who bought a tee (tests/support/
// e2e_recommendations_seed.py: other buyers bought it with socks in 3 orders and a pin in 2) is
// recommended the socks and the pin with why, their prices in the channel's currency, never the
// tee they bought; the reasons in German on a German Dashboard (the app asks with its locale).
import { join } from "node:path";

import type { FrameLocator, Locator } from "playwright-core";
import { describe, expect, test } from "vitest";

import { e2e, openApp, useBrowser } from "./harness";

useBrowser();

type Seeded = { contactId: string; names: { tee: string; socks: string; pin: string }; ids: Record<string, string> };

const seedRecommendations = async (stamp: string): Promise<Seeded> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/recommendations`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp }),
  });
  if (!response.ok) throw new Error(`Seeding recommendations failed: ${await response.text()}`);
  return (await response.json()) as Seeded;
};

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** Each card as [name, price, reason]. */
const cards = async (app: FrameLocator): Promise<string[][]> => {
  const items = app.getByTestId("contact-recommendation");
  const result: string[][] = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    result.push([
      await text(item.getByTestId("contact-recommendation-name")),
      await text(item.getByTestId("contact-recommendation-price")),
      await text(item.getByTestId("contact-recommendation-reason")),
    ]);
  }
  return result;
};

const ours = async (app: FrameLocator, seeded: Seeded) => {
  const all = await cards(app);
  return all.filter(([name]) => Object.values(seeded.names).includes(name ?? ""));
};

describe("contact recommendations", () => {
  test("the products bought with the contact's own, why, and their prices; in German too", async () => {
    const stamp = `rec${Date.now()}`;
    const seeded = await seedRecommendations(stamp);

    // English
    {
      const { app, errors } = await openApp({ path: `/contacts/${seeded.contactId}` });
      const card = app.getByTestId("contact-recommendations");
      await card.waitFor();
      await expect.poll(() => app.getByTestId("contact-recommendation").count(), { timeout: 15_000 }).toBeGreaterThan(1);
      expect(await text(card.getByRole("heading").first())).toBe("Recommended for this contact");
      expect(await ours(app, seeded)).toEqual([
        [seeded.names.socks, "$12.50", `Bought together with ${seeded.names.tee} in 3 orders`],
        [seeded.names.pin, "$4.00", `Bought together with ${seeded.names.tee} in 2 orders`],
      ]);
      expect((await cards(app)).map(([name]) => name)).not.toContain(seeded.names.tee);
      await card.screenshot({ path: join(e2e().screenshotsDir, "contact-recommendations.png") });
      expect(errors).toEqual([]);
    }

    // German: the reasons and the prices in the Dashboard's language
    const { app, errors } = await openApp({ path: `/contacts/${seeded.contactId}`, locale: "de" });
    const card = app.getByTestId("contact-recommendations");
    await card.waitFor();
    await expect.poll(() => app.getByTestId("contact-recommendation").count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await text(card.getByRole("heading").first())).toBe("Empfehlungen für diesen Kontakt");
    expect(await ours(app, seeded)).toEqual([
      [seeded.names.socks, "12,50 $", `Zusammen mit ${seeded.names.tee} gekauft in 3 Bestellungen`],
      [seeded.names.pin, "4,00 $", `Zusammen mit ${seeded.names.tee} gekauft in 2 Bestellungen`],
    ]);
    await card.screenshot({ path: join(e2e().screenshotsDir, "contact-recommendations-de.png") });
    expect(errors).toEqual([]);
  });
});
