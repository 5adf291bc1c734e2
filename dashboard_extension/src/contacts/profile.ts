/**
 * Decisions of the contact profile: the name shown, the basis of the predicted next order,
 * the journeys one can enrol a contact in, the GDPR export's file name, and the step logs of
 * journey runs.
 */

export type NamedContact = { id: string; email: string | null; firstName: string; lastName: string };

/** "Ada Lovelace", else the email, else null (an erased or anonymous contact). */
export const displayName = (contact: NamedContact): string | null => {
  const name = [contact.firstName, contact.lastName].map((part) => part.trim()).filter(Boolean).join(" ");
  return name || contact.email || null;
};

export type PredictionBasis =
  | { kind: "median"; orders: number; medianGapDays: number; gapsDays: number[] }
  | { kind: "tooFew"; orders: number }
  | { kind: "none" };

/** The API's `predictionBasis` ({orders, gaps_days, median_gap_days} or {orders, reason}). */
export const predictionBasis = (basis: unknown): PredictionBasis => {
  if (!basis || typeof basis !== "object") return { kind: "none" };
  const value = basis as Record<string, unknown>;
  const orders = typeof value.orders === "number" ? value.orders : null;
  if (orders === null) return { kind: "none" };
  if (typeof value.median_gap_days === "number") {
    const gaps = Array.isArray(value.gaps_days) ? value.gaps_days.filter((g): g is number => typeof g === "number") : [];
    return { kind: "median", orders, medianGapDays: value.median_gap_days, gapsDays: gaps };
  }
  return { kind: "tooFew", orders };
};

export type PickerJourney = {
  id: string;
  name: string;
  status: string;
  currentVersion: { definition: unknown } | null;
};

/** Journeys a person can be put into by hand: active, with a live version entered manually. */
export const enrollableJourneys = (journeys: PickerJourney[]): PickerJourney[] =>
  journeys
    .filter((journey) => {
      if (journey.status !== "active" || !journey.currentVersion) return false;
      const definition = journey.currentVersion.definition as { entry?: { type?: unknown } } | null;
      return definition?.entry?.type === "manual";
    })
    .sort((a, b) => a.name.localeCompare(b.name));

/**
 * `contact-ada-example-com-2026-12-05.json`: the email (else the id) in letters, digits and
 * dashes, and the UTC day of the export.
 */
export const exportFileName = (contact: NamedContact, now: Date): string => {
  const base = (contact.email || contact.id)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `contact-${base || "export"}-${now.toISOString().slice(0, 10)}.json`;
};

/** The export as a pretty-printed JSON file's text. */
export const exportText = (data: unknown): string => `${JSON.stringify(data, null, 2)}\n`;

/** A step's detail as a short text: "template: welcome-1, to: ada@…" (scalars only). */
export const stepDetail = (detail: unknown): string => {
  if (!detail || typeof detail !== "object") return "";
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== "" && ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
};

/** A run's status label id (waiting, exited, failed; anything else: other). */
export const runStatusMessageId = (status: string): string =>
  ["waiting", "exited", "failed"].includes(status) ? `contacts.run.status.${status}` : "contacts.run.status.other";

/** How the last order's message earned it: "click" or "open" (anything else: as named). */
export const creditViaMessageId = (via: string): string | null =>
  via === "click" || via === "open" ? `contacts.credit.via.${via}` : null;
