import { describe, expect, it } from "vitest";

import { checkOfferDraft, checkOfferEdit, EMPTY_DRAFT, offerForm } from "./offers";
import type { Offer } from "./types";

const GERMANS = { root: { type: "profile", field: "country", op: "eq", value: "DE" } };
const BERLIN = "Europe/Berlin";
const offer: Offer = {
  id: "T2ZmZXI6MQ==",
  title: "Ten off",
  text: "",
  url: "https://shop.example/ten",
  priority: 2,
  active: false,
  condition: GERMANS,
  startsAt: "2026-12-01T08:00:00+00:00",
  endsAt: null,
  channels: ["default-channel"],
};

describe("checkOfferEdit", () => {
  it("starts from the offer, its dates on the shop's clock, and sends nothing while it is unchanged", () => {
    expect(offerForm(offer, BERLIN)).toEqual({
      title: "Ten off",
      text: "",
      url: "https://shop.example/ten",
      priority: "2",
      startDate: "2026-12-01",
      startTime: "09:00",
      endDate: "",
      endTime: "",
      channels: ["default-channel"],
    });
    expect(checkOfferEdit(offer, offerForm(offer, BERLIN), BERLIN)).toEqual({ ok: true, changed: [], input: {} });
  });

  it("sends every field, trimmed, with the offer's condition, dates and channels kept", () => {
    const form = { ...offerForm(offer, BERLIN), title: " Fifteen off ", priority: "5" };
    expect(checkOfferEdit(offer, form, BERLIN)).toEqual({
      ok: true,
      changed: ["title", "priority"],
      input: {
        title: "Fifteen off",
        text: "",
        url: "https://shop.example/ten",
        priority: 5,
        startsAt: "2026-12-01T08:00:00+00:00",
        endsAt: null,
        channels: ["default-channel"],
        condition: GERMANS,
      },
    });
  });

  it("sends new dates and channels", () => {
    const form = { ...offerForm(offer, BERLIN), endDate: "2026-12-24", endTime: "18:00", channels: ["channel-pln", "default-channel"] };
    const checked = checkOfferEdit(offer, form, BERLIN);
    expect(checked.ok && checked.changed).toEqual(["endDate", "endTime", "channels"]);
    expect(checked.ok && checked.input).toMatchObject({ endsAt: "2026-12-24T17:00:00+00:00", channels: ["channel-pln", "default-channel"] });
  });

  it("refuses a bad field and an end before the start, each at its field", () => {
    expect(checkOfferEdit(offer, { ...offerForm(offer, BERLIN), title: " ", url: "http://shop.example", endDate: "2026-11-30" }, BERLIN)).toEqual({
      ok: false,
      errors: { title: { id: "settings.error.offerTitle" }, url: { id: "settings.error.httpsUrl" }, endDate: { id: "settings.error.offerEndBeforeStart" } },
    });
    expect(checkOfferEdit(offer, { ...offerForm(offer, BERLIN), endDate: "2026-11-30" }, BERLIN)).toEqual({
      ok: false,
      errors: { endDate: { id: "settings.error.offerEndBeforeStart" } },
    });
  });
});

describe("checkOfferDraft", () => {
  it("creates an offer for every channel at once and without an end when left empty", () => {
    expect(checkOfferDraft({ ...EMPTY_DRAFT, title: "Free shipping", url: "https://shop.example/free" }, BERLIN)).toEqual({
      ok: true,
      changed: ["title", "text", "url", "priority", "startDate", "startTime", "endDate", "endTime", "channels"],
      input: { title: "Free shipping", text: "", url: "https://shop.example/free", priority: 0, startsAt: null, endsAt: null, channels: [] },
    });
  });
});
