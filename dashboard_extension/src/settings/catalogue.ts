/**
 * The catalogue's settings and sync (`catalogueSync`, `catalogueSettings`): the sync's state as
 * the screen shows it, the product URL patterns as rows of a form (a channel slug or `*`, and a
 * pattern) with the example URL each gives for a sample product, the checks made before a save
 * and the row an API refusal names. The API (catalogue/services.py) is the judge of a pattern:
 * the example says what is wrong with one as it is typed, the save sends it and shows the API's
 * refusal at its row.
 */
import type { Checked } from "./app-forms";
import { type FieldError, type FieldErrors, isError, lines, wholeNumber } from "./form-values";
import type { Json } from "./types";

export type CatalogueSyncStatus = "PENDING" | "RUNNING" | "DONE" | "FAILED";
export type CatalogueSyncPhase = "CATEGORIES" | "COLLECTIONS" | "PRODUCTS" | "SWEEP" | "DONE";

export type CatalogueSync = {
  number: number;
  status: CatalogueSyncStatus;
  phase: CatalogueSyncPhase;
  total: number | null;
  categories: number;
  collections: number;
  products: number;
  variants: number;
  skipped: number;
  deleted: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
};

export type CatalogueSettings = {
  productUrlPatterns: Json;
  lowStockThreshold: number;
  consumableProductTypes: string[];
};

export type WebhooksSyncReport = { created: string[]; updated: string[]; extra: string[]; inLine: number; errors: string[] };

/** The channel a pattern applies to when no pattern names the channel (catalogue ANY_CHANNEL). */
export const ANY_CHANNEL = "*";
export const PLACEHOLDERS = ["channel", "slug", "id", "variant_id"] as const;
/** The API's bounds (catalogue/services.py). */
export const MAX_PATTERNS = 100;
export const MAX_PATTERN_LENGTH = 500;
export const MAX_PRODUCT_TYPES = 200;
export const MAX_PRODUCT_TYPE_LENGTH = 250;
export const MAX_LOW_STOCK_THRESHOLD = 1_000_000;
/** catalogue/sync.py LEASE: a sync written to within it is alive and a restart is refused. */
export const CATALOGUE_SYNC_LEASE_MS = 5 * 60 * 1000;

/** A product the example URL is made from: a tee of Saleor's demo shop, its ids as Saleor
 * gives them (base64 of `Product:72` and `ProductVariant:201`). */
export const SAMPLE_PRODUCT = { slug: "monospace-tee", id: "UHJvZHVjdDo3Mg==", variantId: "UHJvZHVjdFZhcmlhbnQ6MjAx" } as const;

export type SampleProduct = { slug: string; id: string; variantId: string };

// ---------------------------------------------------------------- the sync

/** Whether to poll again: while the sync is pending or running. */
export const catalogueSyncActive = (sync: CatalogueSync | null): boolean => sync !== null && (sync.status === "PENDING" || sync.status === "RUNNING");

/** Whether `restartCatalogueSync` would be refused now, as the API decides it: a sync pending or
 * running that was written to within the lease (one whose worker died may start over). */
export const catalogueRestartRefused = (sync: CatalogueSync | null, now: Date): boolean =>
  catalogueSyncActive(sync) && now.getTime() - Date.parse((sync as CatalogueSync).updatedAt) < CATALOGUE_SYNC_LEASE_MS;

/** The products' share read (0-100) for the bar; null while Saleor has not given its count. */
export const catalogueSyncPercent = (sync: CatalogueSync): number | null => {
  if (sync.status === "DONE" || sync.phase === "SWEEP" || sync.phase === "DONE") return 100;
  if (sync.phase !== "PRODUCTS" || sync.total === null) return sync.phase === "PRODUCTS" ? null : 0;
  if (sync.total === 0) return 100;
  return Math.min(100, Math.floor((sync.products / sync.total) * 100));
};

/** When the catalogue was last read whole: the latest sync's end if it completed. */
export const lastCompleteSync = (sync: CatalogueSync | null): string | null => (sync?.status === "DONE" ? sync.finishedAt : null);

// ---------------------------------------------------------------- product URL patterns

export type PatternRow = { channel: string; pattern: string };

/** The stored patterns as rows: `*` first, then the channels by slug. */
export const patternRows = (patterns: Json): PatternRow[] => {
  if (typeof patterns !== "object" || patterns === null || Array.isArray(patterns)) return [];
  return Object.entries(patterns)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([channel, pattern]) => ({ channel, pattern }))
    .sort((a, b) => (a.channel === ANY_CHANNEL ? -1 : b.channel === ANY_CHANNEL ? 1 : a.channel.localeCompare(b.channel)));
};

export type Example = { url: string } | { problem: "empty" | "notHttp" | "unknownPlaceholder" | "tooLong"; detail?: string };

/**
 * The URL `pattern` gives for `product` in `channel` (for `*`, the channel the example is
 * shown for), filled as the app fills it (catalogue/selectors.py product_url: each value
 * percent-encoded, plain replacement); or what the API would refuse in it.
 */
export const exampleUrl = (pattern: string, channel: string, product: SampleProduct = SAMPLE_PRODUCT): Example => {
  const trimmed = pattern.trim();
  if (!trimmed) return { problem: "empty" };
  if (trimmed.length > MAX_PATTERN_LENGTH) return { problem: "tooLong" };
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    channel: encodeURIComponent(channel),
    slug: encodeURIComponent(product.slug),
    id: encodeURIComponent(product.id),
    variant_id: encodeURIComponent(product.variantId),
  };
  let url = trimmed;
  for (const name of PLACEHOLDERS) url = url.split(`{${name}}`).join(values[name]);
  const unknown = /\{[^{}]*\}|[{}]/.exec(url);
  if (unknown) return { problem: "unknownPlaceholder", detail: unknown[0] };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: "notHttp" };
  }
  if (!["http:", "https:"].includes(parsed.protocol) || !parsed.host) return { problem: "notHttp" };
  return { url };
};

/** The channel an example is shown for: the row's own, or for `*` the first channel no row names
 * (`default-channel` when Saleor's channels are not known). */
export const exampleChannel = (row: PatternRow, rows: PatternRow[], channels: string[]): string => {
  if (row.channel !== ANY_CHANNEL) return row.channel;
  const named = new Set(rows.map((r) => r.channel));
  return channels.find((slug) => !named.has(slug)) ?? channels[0] ?? "default-channel";
};

/** The row an API refusal of a pattern names ("The pattern of <slug> ...", "Not a channel slug:
 * '<slug>'"), or null when it names none of them. */
export const refusedRow = (message: string, rows: PatternRow[]): number | null => {
  const named = /^The pattern of (.+?) (?:is|has)\b/.exec(message)?.[1] ?? /^Not a channel slug: '(.*)'/.exec(message)?.[1];
  if (named === undefined) return null;
  const index = rows.findIndex((row) => row.channel.trim() === named.trim());
  return index >= 0 ? index : null;
};

// ---------------------------------------------------------------- the form

export type CatalogueForm = {
  patterns: PatternRow[];
  lowStockThreshold: string;
  consumableProductTypes: string;
};

export const catalogueForm = (settings: CatalogueSettings): CatalogueForm => ({
  patterns: patternRows(settings.productUrlPatterns),
  lowStockThreshold: String(settings.lowStockThreshold),
  consumableProductTypes: settings.consumableProductTypes.join("\n"),
});

/** A problem of the patterns: at a row (`values.row`, from 1) or of them all. */
const patternsProblem = (rows: PatternRow[]): FieldError | null => {
  if (rows.length > MAX_PATTERNS) return { id: "settings.catalogue.error.tooManyPatterns", values: { max: MAX_PATTERNS } };
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const channel = row.channel.trim();
    if (!channel) return { id: "settings.catalogue.error.noChannel", values: { row: index + 1 } };
    if (seen.has(channel)) return { id: "settings.catalogue.error.twice", values: { row: index + 1, channel } };
    seen.add(channel);
    if (!row.pattern.trim()) return { id: "settings.catalogue.error.noPattern", values: { row: index + 1 } };
  }
  return null;
};

/** The form's values checked as the API takes them, and the input of what changed. Whether a
 * pattern is a URL is left to the API (the example tells as it is typed). */
export const checkCatalogue = (initial: CatalogueForm, form: CatalogueForm): Checked<keyof CatalogueForm> => {
  const errors: FieldErrors<keyof CatalogueForm> = {};
  const patterns = patternsProblem(form.patterns);
  if (patterns) errors.patterns = patterns;
  const threshold = wholeNumber(form.lowStockThreshold, 0, MAX_LOW_STOCK_THRESHOLD);
  if (isError(threshold)) errors.lowStockThreshold = threshold;
  const types = [...new Set(lines(form.consumableProductTypes))];
  const long = types.find((name) => name.length > MAX_PRODUCT_TYPE_LENGTH);
  if (types.length > MAX_PRODUCT_TYPES) errors.consumableProductTypes = { id: "settings.catalogue.error.tooManyTypes", values: { max: MAX_PRODUCT_TYPES } };
  else if (long) errors.consumableProductTypes = { id: "settings.catalogue.error.typeTooLong", values: { max: MAX_PRODUCT_TYPE_LENGTH } };
  if (Object.keys(errors).length) return { ok: false, errors };

  const input: Record<string, unknown> = {};
  const changed: (keyof CatalogueForm)[] = [];
  const samePatterns = JSON.stringify(patternMap(initial.patterns)) === JSON.stringify(patternMap(form.patterns));
  if (!samePatterns) {
    input.productUrlPatterns = patternMap(form.patterns);
    changed.push("patterns");
  }
  if ((threshold as number) !== Number(initial.lowStockThreshold)) {
    input.lowStockThreshold = threshold;
    changed.push("lowStockThreshold");
  }
  if (JSON.stringify(types) !== JSON.stringify(lines(initial.consumableProductTypes))) {
    input.consumableProductTypes = types;
    changed.push("consumableProductTypes");
  }
  return { ok: true, input, changed };
};

/** The rows as the API takes them: channel slug to pattern, both trimmed. */
export const patternMap = (rows: PatternRow[]): Record<string, string> =>
  Object.fromEntries(rows.map((row) => [row.channel.trim(), row.pattern.trim()]));

/** The row a patterns error is about (from 0), or null for them all. */
export const errorRow = (error: FieldError | undefined, rows: PatternRow[]): number | null => {
  if (!error) return null;
  if (typeof error.values?.row === "number") return error.values.row - 1;
  if (typeof error.values?.message === "string") return refusedRow(error.values.message, rows);
  return null;
};

// ---------------------------------------------------------------- webhooks

export type WebhooksOutcome = "inLine" | "changed" | "failed";

/** How the webhooks' alignment went: every one already in line, some created or updated, or
 * refused (in part). */
export const webhooksOutcome = (report: WebhooksSyncReport): WebhooksOutcome =>
  report.errors.length ? "failed" : report.created.length || report.updated.length ? "changed" : "inLine";
