/**
 * Postal consent on the contact's profile (`Contact.postal`): what it says of the latest change
 * (never asked; recorded by an admin, with how the person agreed; or where it came from, with
 * the text version the person saw), which change the admin may record next, and whether what
 * the admin wrote as evidence is enough: the server's rule (`postal.services.postal_consent_set`),
 * checked here so the dialog says it before sending.
 */
import type { Consent } from "./filters";

export type ContactPostal = {
  consent: Consent;
  changedAt: string | null;
  source: string;
  textVersion: string | null;
  evidence: string | null;
  recordedBy: string | null;
  hasAddress: boolean;
};

export const EVIDENCE_MIN = 3;
export const EVIDENCE_MAX = 200;
export const ADMIN_SOURCE = "dashboard";

export type Said = { id: string; values: Record<string, string> };

/** The latest change in words (its moment is shown beside it, formatted by the caller). */
export const postalConsentSaid = (postal: ContactPostal): Said => {
  if (postal.changedAt === null) return { id: "contacts.postal.never", values: {} };
  if (postal.source === ADMIN_SOURCE) {
    return postal.evidence
      ? { id: "contacts.postal.byAdmin", values: { by: postal.recordedBy ?? "", evidence: postal.evidence } }
      : { id: "contacts.postal.byAdminNoEvidence", values: { by: postal.recordedBy ?? "" } };
  }
  return postal.textVersion
    ? { id: "contacts.postal.fromVersion", values: { source: postal.source, version: postal.textVersion } }
    : { id: "contacts.postal.from", values: { source: postal.source } };
};

/** The change the admin may record: a withdrawal of a granted consent, else an agreement. */
export const postalChange = (consent: Consent): "grant" | "withdraw" => (consent === "GRANTED" ? "withdraw" : "grant");

/** What the admin wrote, as the server keeps it (runs of white space made one space). */
export const evidenceKept = (evidence: string): string => evidence.split(/\s+/).filter(Boolean).join(" ");

/** Why the evidence cannot be sent (null when it can): an agreement needs how the person gave
 * it; either change keeps at most EVIDENCE_MAX characters. */
export const evidenceError = (change: "grant" | "withdraw", evidence: string): "required" | "tooLong" | null => {
  const kept = evidenceKept(evidence);
  if (kept.length > EVIDENCE_MAX) return "tooLong";
  if (change === "grant" && kept.length < EVIDENCE_MIN) return "required";
  return null;
};
