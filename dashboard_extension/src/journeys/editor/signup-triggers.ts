/**
 * The sign-up events the palette offers as entries (contacts/signups.py, docs/journeys.md#the-
 * welcome-programme): "Signed up" (`contact.signed_up`: once per contact, a confirmed
 * newsletter subscription or a Saleor customer consenting in its metadata; the welcome
 * programme's entry) and "Newsletter confirmed" (`newsletter.subscribed`: each confirmed double
 * opt-in). Plain event entries without filters: one run per contact, as the re-entry rule says.
 */
import type { JsonObject } from "./types";

export type SignupTrigger = {
  id: "signed_up" | "newsletter_subscribed";
  eventType: string;
  labelId: string;
  descriptionId: string;
};

export const SIGNUP_TRIGGERS: readonly SignupTrigger[] = [
  {
    id: "signed_up",
    eventType: "contact.signed_up",
    labelId: "signups.editor.signed_up",
    descriptionId: "signups.editor.signed_up.description",
  },
  {
    id: "newsletter_subscribed",
    eventType: "newsletter.subscribed",
    labelId: "signups.editor.newsletter_subscribed",
    descriptionId: "signups.editor.newsletter_subscribed.description",
  },
];

export const signupTrigger = (id: string): SignupTrigger | null => SIGNUP_TRIGGERS.find((t) => t.id === id) ?? null;

/** A new entry on the sign-up event: no filter. */
export const signupEntry = (trigger: SignupTrigger): JsonObject => ({ event_type: trigger.eventType, where: [] });
