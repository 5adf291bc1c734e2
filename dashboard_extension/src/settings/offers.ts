/**
 * An offer of the pool on the form: its fields (provider-forms' `checkOffer`), its dates on the
 * shop's clock and its channels (`offer-dates.ts`). `updateOffer` replaces the offer's fields as
 * a whole, so an edit's input carries the condition unchanged (the condition is not edited
 * here) and the dates and channels as the form has them, and is sent only when something
 * changed.
 */
import type { Checked } from "./app-forms";
import { changedKeys, type FieldErrors } from "./form-values";
import { channelsChecked, checkWhen, EMPTY_WHEN, type OfferWhen, whenOf } from "./offer-dates";
import { checkOffer, EMPTY_OFFER, type OfferForm } from "./provider-forms";
import type { Offer } from "./types";

export type OfferDraft = OfferForm & OfferWhen & { channels: string[] };
export const EMPTY_DRAFT: OfferDraft = { ...EMPTY_OFFER, ...EMPTY_WHEN, channels: [] };

const FIELDS: (keyof OfferForm)[] = ["title", "text", "url", "priority"];

export const offerForm = (offer: Offer, zone: string): OfferDraft => ({
  title: offer.title,
  text: offer.text,
  url: offer.url,
  priority: String(offer.priority),
  ...whenOf(offer, zone),
  channels: channelsChecked(offer.channels),
});

/** A new offer, or an offer's fields in full (title, text, link, priority, dates, channels). */
export const checkOfferDraft = (form: OfferDraft, zone: string): Checked<keyof OfferDraft> => {
  const fields = checkOffer(Object.fromEntries(FIELDS.map((key) => [key, form[key]])) as OfferForm);
  const when = checkWhen(form, zone);
  if (!fields.ok || !when.ok) {
    const errors: FieldErrors<keyof OfferDraft> = { ...(fields.ok ? {} : fields.errors), ...(when.ok ? {} : when.errors) };
    return { ok: false, errors };
  }
  return {
    ok: true,
    changed: [...FIELDS, "startDate", "startTime", "endDate", "endTime", "channels"],
    input: { ...fields.input, startsAt: when.startsAt, endsAt: when.endsAt, channels: channelsChecked(form.channels) },
  };
};

export const checkOfferEdit = (offer: Offer, form: OfferDraft, zone: string): Checked<keyof OfferDraft> => {
  const checked = checkOfferDraft(form, zone);
  if (!checked.ok) return checked;
  const changed = changedKeys(offerForm(offer, zone), form);
  if (changed.length === 0) return { ok: true, changed: [], input: {} };
  return { ok: true, changed, input: { ...checked.input, condition: offer.condition } };
};
