/**
 * The settings forms' building blocks: whole numbers within bounds, lists one entry a line,
 * origins, and which fields of a form changed. A problem is a message id with its values,
 * shown at the field it names.
 */

export type FieldError = { id: string; values?: Record<string, string | number> };
export type FieldErrors<K extends string = string> = Partial<Record<K, FieldError>>;

/** A whole number from `low` to `high`, or the error naming those bounds. */
export const wholeNumber = (text: string, low: number, high: number): number | FieldError => {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) {
    return { id: "settings.error.wholeNumber", values: { low, high } };
  }
  const value = Number(trimmed);
  return value < low || value > high ? { id: "settings.error.range", values: { low, high } } : value;
};

/** A number of at least 0 with decimals (per-second throttles). */
export const nonNegative = (text: string): number | FieldError => {
  const trimmed = text.trim();
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : { id: "settings.error.nonNegative" };
};

export const isError = (value: unknown): value is FieldError =>
  typeof value === "object" && value !== null && "id" in value && typeof (value as FieldError).id === "string";

/** The non-empty lines of a text area, trimmed. */
export const lines = (text: string): string[] =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** `scheme://host[:port]` (http or https, nothing after), lower-cased as the API keeps it. */
export const origin = (text: string): string | null => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const bare = text.replace(/\/$/, "");
  if (!["http:", "https:"].includes(url.protocol) || url.username || url.password) return null;
  return bare.toLowerCase() === url.origin.toLowerCase() ? url.origin : null;
};

/** One origin a line: the origins, or the first bad line's error. */
export const originLines = (text: string): string[] | FieldError => {
  const entries = lines(text);
  const bad = entries.findIndex((entry) => origin(entry) === null);
  if (bad >= 0) {
    return { id: "settings.error.origin", values: { line: bad + 1, value: entries[bad] as string } };
  }
  return entries.map((entry) => origin(entry) as string);
};

/** An http(s) URL (a storefront link, an offer's target). */
export const httpUrl = (text: string, schemes: string[] = ["http:", "https:"]): boolean => {
  try {
    const url = new URL(text);
    return schemes.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
};

/** The keys whose values differ (compared as JSON: lists and maps by content). */
export const changedKeys = <T extends Record<string, unknown>>(initial: T, current: T): (keyof T)[] =>
  (Object.keys(current) as (keyof T)[]).filter((key) => JSON.stringify(initial[key]) !== JSON.stringify(current[key]));
