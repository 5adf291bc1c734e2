import { describe, expect, it } from "vitest";

import { cardOf, type ChannelChoice, type Recommendation, startChannel } from "./recommendations";

const channel = (slug: string, isActive = true): ChannelChoice => ({ slug, name: slug, currencyCode: "USD", isActive });

const item = (price: string | null, currency = "EUR"): Recommendation => ({
  product: { id: "UHJvZHVjdDo3Mg==", name: "Monospace Tee", slug: "monospace-tee", url: "https://shop.example/p/monospace-tee", image: "", price, currency, category: "T-shirts" },
  reason: "Zusammen mit Apple Juice gekauft in 41 Bestellungen",
  score: 0.42,
});

describe("startChannel", () => {
  it("starts on the last order's channel while Saleor has it, else the first active one", () => {
    const channels = [channel("archived", false), channel("default-channel"), channel("channel-pln")];
    expect(startChannel(channels, "channel-pln")).toBe("channel-pln");
    expect(startChannel(channels, "gone")).toBe("default-channel");
    expect(startChannel(channels, null)).toBe("default-channel");
    expect(startChannel([channel("archived", false)], null)).toBe("archived");
    expect(startChannel([], "channel-pln")).toBeNull();
  });
});

describe("cardOf", () => {
  it("shows the price in the channel's currency in the Dashboard's language, the reason as the API wrote it", () => {
    expect(cardOf(item("19.5000"), "de")).toEqual({
      id: "UHJvZHVjdDo3Mg==",
      name: "Monospace Tee",
      reason: "Zusammen mit Apple Juice gekauft in 41 Bestellungen",
      price: "19,50\u00a0€",
      category: "T-shirts",
      image: "",
      url: "https://shop.example/p/monospace-tee",
    });
    expect(cardOf(item("1234.5", "USD"), "en").price).toBe("$1,234.50");
    expect(cardOf(item(null), "en").price).toBeNull();
  });
});

describe("recommendation card messages", () => {
  it("has every id it names in English and German", async () => {
    const en = (await import("../i18n/en/contact-recommendations.json")).default as Record<string, string>;
    const de = (await import("../i18n/de/contact-recommendations.json")).default as Record<string, string>;
    const source = (await import("./contact-recommendations.tsx?raw")).default;
    const ids = [...new Set([...source.matchAll(/t\("([\w.]+)"/g)].map((m) => m[1] as string))];
    expect(ids.sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
