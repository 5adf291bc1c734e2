/**
 * The sections of `appSettings` as forms: the API's values as the form's texts, and back to an
 * `AppSettingsInput` holding only the fields that changed, after the README's bounds (those the
 * API refuses with a code) are checked here field by field. A value left out of the input stays
 * as it is, so each section saves only its own.
 */
import {
  changedKeys,
  type FieldError,
  type FieldErrors,
  httpUrl,
  isError,
  lines,
  originLines,
  wholeNumber,
} from "./form-values";
import type { AppSettings, Json } from "./types";

export type Checked<K extends string> =
  | { ok: true; input: Record<string, unknown>; changed: K[] }
  | { ok: false; errors: FieldErrors<K> };

const GRAPHQL_INT_MAX = 2 ** 31 - 1;

const text = (value: number | null | undefined): string => (value === null || value === undefined ? "" : String(value));

const record = (value: Json): Record<string, Json> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};

/** Reads each field with its parser; the parsed values, or the errors per field. */
const parseAll = <K extends string>(parsers: Record<K, () => unknown>): { values: Record<K, unknown>; errors: FieldErrors<K> } => {
  const values = {} as Record<K, unknown>;
  const errors: FieldErrors<K> = {};
  for (const key of Object.keys(parsers) as K[]) {
    const value = parsers[key]();
    if (isError(value)) errors[key] = value;
    else values[key] = value;
  }
  return { values, errors };
};

const done = <F extends Record<string, unknown>, K extends keyof F & string>(
  initial: F,
  form: F,
  errors: FieldErrors<K>,
  build: (changed: K[]) => Record<string, unknown>,
): Checked<K> => {
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const changed = changedKeys(initial, form) as K[];
  return { ok: true, changed, input: changed.length ? build(changed) : {} };
};

// -- sender ------------------------------------------------------------------------------------

export type SenderForm = { senderName: string; fromEmail: string; replyTo: string };

export const senderForm = (s: AppSettings): SenderForm => ({ senderName: s.senderName, fromEmail: s.fromEmail, replyTo: s.replyTo });

const ADDRESS = /^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/;

export const checkSender = (initial: SenderForm, form: SenderForm): Checked<keyof SenderForm> => {
  const errors: FieldErrors<keyof SenderForm> = {};
  if (form.senderName.length > 100 || /[\r\n<>"]/.test(form.senderName)) errors.senderName = { id: "settings.error.senderName" };
  for (const key of ["fromEmail", "replyTo"] as const) {
    if (form[key].trim() && !ADDRESS.test(form[key].trim())) errors[key] = { id: "settings.error.address" };
  }
  return done(initial, form, errors, (changed) => Object.fromEntries(changed.map((key) => [key, form[key].trim()])));
};

// -- sending rules -----------------------------------------------------------------------------

export type RulesForm = {
  capCount: string;
  capHours: string;
  smsCapCount: string;
  smsCapHours: string;
  pushCapCount: string;
  pushCapHours: string;
  quietStartHour: string;
  quietEndHour: string;
  quietAction: string;
};

const CAPPED_CHANNELS = ["sms", "push"] as const;
export const CAP_COUNT = [0, 100] as const;
export const CAP_HOURS = [1, 720] as const;

export const rulesForm = (s: AppSettings): RulesForm => {
  const caps = record(s.channelCaps);
  const cap = (channel: string, index: number) => {
    const pair = caps[channel];
    return Array.isArray(pair) && typeof pair[index] === "number" ? String(pair[index]) : "";
  };
  return {
    capCount: text(s.capCount),
    capHours: text(s.capHours),
    smsCapCount: cap("sms", 0),
    smsCapHours: cap("sms", 1),
    pushCapCount: cap("push", 0),
    pushCapHours: cap("push", 1),
    quietStartHour: text(s.quietStartHour),
    quietEndHour: text(s.quietEndHour),
    quietAction: s.quietAction === "skip" ? "skip" : "defer",
  };
};

export const checkRules = (initial: RulesForm, form: RulesForm): Checked<keyof RulesForm> => {
  const { values, errors } = parseAll<keyof RulesForm>({
    capCount: () => wholeNumber(form.capCount, ...CAP_COUNT),
    capHours: () => wholeNumber(form.capHours, ...CAP_HOURS),
    smsCapCount: () => (form.smsCapCount.trim() ? wholeNumber(form.smsCapCount, ...CAP_COUNT) : null),
    smsCapHours: () => (form.smsCapHours.trim() ? wholeNumber(form.smsCapHours, ...CAP_HOURS) : null),
    pushCapCount: () => (form.pushCapCount.trim() ? wholeNumber(form.pushCapCount, ...CAP_COUNT) : null),
    pushCapHours: () => (form.pushCapHours.trim() ? wholeNumber(form.pushCapHours, ...CAP_HOURS) : null),
    quietStartHour: () => (form.quietStartHour.trim() ? wholeNumber(form.quietStartHour, 0, 23) : null),
    quietEndHour: () => (form.quietEndHour.trim() ? wholeNumber(form.quietEndHour, 0, 23) : null),
    quietAction: () => (["defer", "skip"].includes(form.quietAction) ? form.quietAction : { id: "settings.error.quietAction" }),
  });
  for (const channel of CAPPED_CHANNELS) {
    const count = `${channel}CapCount` as const;
    const hours = `${channel}CapHours` as const;
    if (!errors[count] && !errors[hours] && (values[count] === null) !== (values[hours] === null)) {
      errors[values[count] === null ? count : hours] = { id: "settings.error.capPair" };
    }
  }
  // The API keeps quiet hours it is not given: both hours, or neither while there are none.
  for (const key of ["quietStartHour", "quietEndHour"] as const) {
    const other = key === "quietStartHour" ? "quietEndHour" : "quietStartHour";
    if (!errors[key] && values[key] === null && (values[other] !== null || initial[key].trim() !== "")) {
      errors[key] = { id: "settings.error.quietBoth" };
    }
  }
  return done(initial, form, errors, (changed) => {
    const input: Record<string, unknown> = {};
    for (const key of ["capCount", "capHours", "quietStartHour", "quietEndHour", "quietAction"] as const) {
      if (changed.includes(key)) input[key] = values[key];
    }
    if (changed.some((key) => /^(sms|push)Cap/.test(key))) {
      input.channelCaps = Object.fromEntries(
        CAPPED_CHANNELS.filter((c) => values[`${c}CapCount`] !== null).map((c) => [c, [values[`${c}CapCount`], values[`${c}CapHours`]]]),
      );
    }
    return input;
  });
};

// -- lifecycle and thresholds ------------------------------------------------------------------

export type LifecycleForm = {
  lapsingAfterDays: string;
  lapsedAfterDays: string;
  vipMinOrders: string;
  spendThresholds: string;
  checkoutAbandonedAfterMinutes: string;
  browseAbandonedAfterMinutes: string;
  browseWindowHours: string;
};

/** `{"EUR": ["500", "1000"]}` as lines `EUR 500, 1000`. */
export const thresholdsText = (value: Json): string =>
  Object.entries(record(value))
    .map(([currency, amounts]) => `${currency} ${(Array.isArray(amounts) ? amounts : []).join(", ")}`)
    .join("\n");

/** Lines `EUR 500, 1000` as the API's map; 1-10 positive amounts a currency, 20 currencies. */
export const parseThresholds = (textValue: string): Record<string, string[]> | FieldError => {
  const result: Record<string, string[]> = {};
  const entries = lines(textValue);
  for (const [index, line] of entries.entries()) {
    const match = /^([A-Za-z]{3})\s*:?\s+(.+)$/.exec(line);
    const amounts = match ? (match[2] as string).split(/[\s,;]+/).filter(Boolean) : [];
    const currency = match ? (match[1] as string).toUpperCase() : "";
    const valid =
      match &&
      !(currency in result) &&
      amounts.length > 0 &&
      amounts.length <= 10 &&
      amounts.every((amount) => /^\d+(\.\d+)?$/.test(amount) && Number(amount) > 0);
    if (!valid) return { id: "settings.error.thresholdLine", values: { line: index + 1, value: line } };
    result[currency] = amounts;
  }
  return Object.keys(result).length > 20 ? { id: "settings.error.thresholdCount", values: { count: 20 } } : result;
};

export const ABANDONMENT = {
  checkoutAbandonedAfterMinutes: [15, 4320],
  browseAbandonedAfterMinutes: [15, 1440],
  browseWindowHours: [1, 168],
} as const;

export const lifecycleForm = (s: AppSettings): LifecycleForm => ({
  lapsingAfterDays: text(s.lapsingAfterDays),
  lapsedAfterDays: text(s.lapsedAfterDays),
  vipMinOrders: text(s.vipMinOrders),
  spendThresholds: thresholdsText(s.spendThresholds),
  checkoutAbandonedAfterMinutes: text(s.checkoutAbandonedAfterMinutes),
  browseAbandonedAfterMinutes: text(s.browseAbandonedAfterMinutes),
  browseWindowHours: text(s.browseWindowHours),
});

export const checkLifecycle = (initial: LifecycleForm, form: LifecycleForm): Checked<keyof LifecycleForm> => {
  const { values, errors } = parseAll<keyof LifecycleForm>({
    lapsingAfterDays: () => wholeNumber(form.lapsingAfterDays, 1, GRAPHQL_INT_MAX),
    lapsedAfterDays: () => wholeNumber(form.lapsedAfterDays, 2, GRAPHQL_INT_MAX),
    vipMinOrders: () => wholeNumber(form.vipMinOrders, 2, GRAPHQL_INT_MAX),
    spendThresholds: () => parseThresholds(form.spendThresholds),
    checkoutAbandonedAfterMinutes: () => wholeNumber(form.checkoutAbandonedAfterMinutes, ...ABANDONMENT.checkoutAbandonedAfterMinutes),
    browseAbandonedAfterMinutes: () => wholeNumber(form.browseAbandonedAfterMinutes, ...ABANDONMENT.browseAbandonedAfterMinutes),
    browseWindowHours: () => wholeNumber(form.browseWindowHours, ...ABANDONMENT.browseWindowHours),
  });
  if (!errors.lapsingAfterDays && !errors.lapsedAfterDays && (values.lapsedAfterDays as number) <= (values.lapsingAfterDays as number)) {
    errors.lapsedAfterDays = { id: "settings.error.lapsedAfterLapsing" };
  }
  if (
    !errors.browseAbandonedAfterMinutes &&
    !errors.browseWindowHours &&
    (values.browseAbandonedAfterMinutes as number) >= (values.browseWindowHours as number) * 60
  ) {
    errors.browseAbandonedAfterMinutes = { id: "settings.error.browseWithinWindow" };
  }
  return done(initial, form, errors, (changed) => Object.fromEntries(changed.map((key) => [key, values[key]])));
};

// -- storefront --------------------------------------------------------------------------------

export type StorefrontForm = {
  storefrontOrigins: string;
  storefrontUrls: string;
  dashboardOrigins: string;
  metadataKeys: Record<string, string>;
};

export const storefrontForm = (s: AppSettings): StorefrontForm => ({
  storefrontOrigins: s.storefrontOrigins.join("\n"),
  storefrontUrls: Object.entries(record(s.storefrontUrls))
    .map(([channel, url]) => `${channel} ${String(url)}`)
    .join("\n"),
  dashboardOrigins: s.dashboardOrigins.join("\n"),
  metadataKeys: Object.fromEntries(Object.entries(record(s.metadataKeys)).map(([key, value]) => [key, String(value ?? "")])),
});

/** Lines `<channel slug or *> <URL>` (the URL may hold {channel}); at most 100. */
export const parseStorefrontUrls = (textValue: string): Record<string, string> | FieldError => {
  const result: Record<string, string> = {};
  for (const [index, line] of lines(textValue).entries()) {
    const match = /^(\*|[A-Za-z0-9_-]+)\s+(\S+)$/.exec(line);
    const channel = match?.[1] as string;
    if (!match || channel in result || !httpUrl((match[2] as string).replaceAll("{channel}", "channel"))) {
      return { id: "settings.error.storefrontUrlLine", values: { line: index + 1, value: line } };
    }
    result[channel] = match[2] as string;
  }
  return Object.keys(result).length > 100 ? { id: "settings.error.storefrontUrlCount", values: { count: 100 } } : result;
};

export const checkStorefront = (initial: StorefrontForm, form: StorefrontForm): Checked<keyof StorefrontForm> => {
  const { values, errors } = parseAll<keyof StorefrontForm>({
    storefrontOrigins: () => originLines(form.storefrontOrigins),
    storefrontUrls: () => parseStorefrontUrls(form.storefrontUrls),
    dashboardOrigins: () => originLines(form.dashboardOrigins),
    metadataKeys: () => {
      const empty = Object.entries(form.metadataKeys).find(([, value]) => !value.trim());
      return empty
        ? { id: "settings.error.metadataKey", values: { key: empty[0] } }
        : Object.fromEntries(Object.entries(form.metadataKeys).map(([key, value]) => [key, value.trim()]));
    },
  });
  return done(initial, form, errors, (changed) => Object.fromEntries(changed.map((key) => [key, values[key]])));
};

// -- attribution -------------------------------------------------------------------------------

export type AttributionForm = { clickDays: string; openDays: string; clickOnly: boolean };
export const ATTRIBUTION_DAYS = [0, 90] as const;

export const attributionForm = (s: AppSettings): AttributionForm => ({
  clickDays: text(s.attribution.clickDays),
  openDays: text(s.attribution.openDays),
  clickOnly: s.attribution.clickOnly,
});

export const checkAttribution = (initial: AttributionForm, form: AttributionForm): Checked<keyof AttributionForm> => {
  const { values, errors } = parseAll<keyof AttributionForm>({
    clickDays: () => wholeNumber(form.clickDays, ...ATTRIBUTION_DAYS),
    openDays: () => wholeNumber(form.openDays, ...ATTRIBUTION_DAYS),
    clickOnly: () => form.clickOnly,
  });
  return done(initial, form, errors, (changed) => ({
    attribution: Object.fromEntries(changed.map((key) => [key, values[key]])),
  }));
};
