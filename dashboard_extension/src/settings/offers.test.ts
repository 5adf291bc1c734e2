import { describe, expect, it } from "vitest";

import { checkOfferEdit, offerForm } from "./offers";
import type { Offer } from "./types";

const GERMANS = { root: { type: "profile", field: "country", op: "eq", value: "DE" } };
const offer: Offer = { id: "T2ZmZXI6MQ==", title: "Ten off", text: "", url: "https://shop.example/ten", priority: 2, active: false, condition: GERMANS };

describe("checkOfferEdit", () => {
  it("starts from the offer and sends nothing while it is unchanged", () => {
    expect(offerForm(offer)).toEqual({ title: "Ten off", text: "", url: "https://shop.example/ten", priority: "2" });
    expect(checkOfferEdit(offer, offerForm(offer))).toEqual({ ok: true, changed: [], input: {} });
  });

  it("sends every field, trimmed, with the offer's condition kept", () => {
    const form = { ...offerForm(offer), title: " Fifteen off ", priority: "5" };
    expect(checkOfferEdit(offer, form)).toEqual({
      ok: true,
      changed: ["title", "priority"],
      input: { title: "Fifteen off", text: "", url: "https://shop.example/ten", priority: 5, condition: GERMANS },
    });
  });

  it("keeps an offer for everyone for everyone", () => {
    const everyone = { ...offer, condition: null };
    const checked = checkOfferEdit(everyone, { ...offerForm(everyone), text: "This week" });
    expect(checked.ok && checked.input).toEqual({ title: "Ten off", text: "This week", url: "https://shop.example/ten", priority: 2, condition: null });
  });

  it("refuses a bad field at that field", () => {
    expect(checkOfferEdit(offer, { ...offerForm(offer), title: " ", url: "http://shop.example" })).toEqual({
      ok: false,
      errors: { title: { id: "settings.error.offerTitle" }, url: { id: "settings.error.httpsUrl" } },
    });
  });
});
