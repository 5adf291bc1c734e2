/**
 * Editing an offer of the pool: the form starts from the offer, and `updateOffer` replaces the
 * offer's fields as a whole, so the input carries its condition unchanged (the condition is
 * not edited here) and is sent only when something changed.
 */
import type { Checked } from "./app-forms";
import { changedKeys } from "./form-values";
import { checkOffer, type OfferForm } from "./provider-forms";
import type { Offer } from "./types";

export const offerForm = (offer: Offer): OfferForm => ({
  title: offer.title,
  text: offer.text,
  url: offer.url,
  priority: String(offer.priority),
});

export const checkOfferEdit = (offer: Offer, form: OfferForm): Checked<keyof OfferForm> => {
  const checked = checkOffer(form);
  if (!checked.ok) return checked;
  const changed = changedKeys(offerForm(offer), form);
  if (changed.length === 0) return { ok: true, changed: [], input: {} };
  return { ok: true, changed, input: { ...checked.input, condition: offer.condition } };
};
