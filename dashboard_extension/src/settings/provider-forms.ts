/**
 * The providers' forms. A provider is replaced as a whole (`updateEmailProvider`,
 * `updateSmsProvider`), but its secrets are write-only: the API says only whether one is
 * stored, the form starts with an empty replacement field, and the input carries a secret only
 * when one was typed (left out, the stored one is kept). Also push's contact and a new offer.
 */
import { type Checked, checkSender, type SenderForm } from "./app-forms";
import { changedKeys, type FieldErrors, httpUrl, isError, nonNegative, wholeNumber } from "./form-values";
import type { EmailProvider, SmsProvider } from "./types";

export const EMAIL_KINDS = ["default", "smtp", "esp"] as const;
export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;

export type EmailForm = {
  kind: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: string;
  smtpUsername: string;
  /** A replacement for the stored password; empty: keep it. */
  smtpPassword: string;
  esp: string;
  /** A replacement for the ESP's settings as a JSON object; empty: keep them. */
  espSettings: string;
  maxPerSecond: string;
  /** Parallel connections (0 to `MAX_CONNECTIONS`); 0: the deployment's default. */
  connections: string;
};

/** The most parallel connections a shop may give its provider (messages/providers.py). */
export const MAX_CONNECTIONS = 32;

export const emailForm = (p: EmailProvider): EmailForm => ({
  kind: p.kind,
  smtpHost: p.smtpHost,
  smtpPort: String(p.smtpPort),
  smtpSecurity: p.smtpSecurity,
  smtpUsername: p.smtpUsername,
  smtpPassword: "",
  esp: p.esp,
  espSettings: "",
  maxPerSecond: String(p.maxPerSecond),
  connections: String(p.connections),
});

const parseObject = (textValue: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(textValue);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

export const checkEmail = (initial: EmailForm, form: EmailForm): Checked<keyof EmailForm> => {
  const errors: FieldErrors<keyof EmailForm> = {};
  const port = wholeNumber(form.smtpPort, 1, 65535);
  const rate = nonNegative(form.maxPerSecond);
  const connections = wholeNumber(form.connections, 0, MAX_CONNECTIONS);
  const espSettings = form.espSettings.trim() ? parseObject(form.espSettings) : undefined;
  if (!(EMAIL_KINDS as readonly string[]).includes(form.kind)) errors.kind = { id: "settings.error.required" };
  if (isError(rate)) errors.maxPerSecond = rate;
  if (isError(connections)) errors.connections = connections;
  if (form.kind === "smtp") {
    if (!form.smtpHost.trim()) errors.smtpHost = { id: "settings.error.required" };
    if (isError(port)) errors.smtpPort = port;
    if (!(SMTP_SECURITY as readonly string[]).includes(form.smtpSecurity)) errors.smtpSecurity = { id: "settings.error.required" };
  }
  if (form.kind === "esp") {
    if (!/^[a-z0-9_]+$/.test(form.esp.trim())) errors.esp = { id: "settings.error.espName" };
    if (espSettings === null) errors.espSettings = { id: "settings.error.jsonObject" };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const changed = changedKeys(initial, form);
  if (changed.length === 0) return { ok: true, changed, input: {} };
  const input: Record<string, unknown> = {
    kind: form.kind,
    smtpHost: form.smtpHost.trim(),
    smtpPort: isError(port) ? 587 : port,
    smtpSecurity: form.smtpSecurity,
    smtpUsername: form.smtpUsername.trim(),
    esp: form.esp.trim(),
    maxPerSecond: rate,
    connections,
  };
  if (form.smtpPassword) input.smtpPassword = form.smtpPassword;
  if (espSettings) input.espSettings = espSettings;
  return { ok: true, changed, input };
};

export type SmsForm = {
  accountSid: string;
  /** A replacement for the stored auth token; empty: keep it. */
  authToken: string;
  fromNumber: string;
  messagingServiceSid: string;
  maxPerSecond: string;
  doubleOptIn: boolean;
};

export const smsForm = (p: SmsProvider): SmsForm => ({
  accountSid: p.accountSid,
  authToken: "",
  fromNumber: p.fromNumber,
  messagingServiceSid: p.messagingServiceSid,
  maxPerSecond: String(p.maxPerSecond),
  doubleOptIn: p.doubleOptIn,
});

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;
const SERVICE_SID = /^MG[0-9a-f]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export const checkSms = (initial: SmsForm, form: SmsForm, hasAuthToken: boolean): Checked<keyof SmsForm> => {
  const errors: FieldErrors<keyof SmsForm> = {};
  const from = form.fromNumber.trim();
  const service = form.messagingServiceSid.trim();
  const rate = nonNegative(form.maxPerSecond);
  if (!ACCOUNT_SID.test(form.accountSid.trim())) errors.accountSid = { id: "settings.error.accountSid" };
  if (!form.authToken && !hasAuthToken) errors.authToken = { id: "settings.error.required" };
  if (from && !(E164.test(from) || ALPHANUMERIC_SENDER.test(from))) errors.fromNumber = { id: "settings.error.smsSender" };
  if (service && !SERVICE_SID.test(service)) errors.messagingServiceSid = { id: "settings.error.serviceSid" };
  if (!from && !service) errors.fromNumber = { id: "settings.error.smsSenderNeeded" };
  if (isError(rate)) errors.maxPerSecond = rate;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const changed = changedKeys(initial, form);
  if (changed.length === 0) return { ok: true, changed, input: {} };
  const input: Record<string, unknown> = {
    accountSid: form.accountSid.trim(),
    fromNumber: from,
    messagingServiceSid: service,
    maxPerSecond: rate,
    doubleOptIn: form.doubleOptIn,
  };
  if (form.authToken) input.authToken = form.authToken;
  return { ok: true, changed, input };
};

const PUSH_SUBJECT = /^(mailto:[^@\s]+@[^@\s]+|https:\/\/[A-Za-z0-9.-]+)$/;

export const checkPushSubject = (initial: string, subject: string): Checked<"subject"> => {
  const value = subject.trim();
  if (!PUSH_SUBJECT.test(value)) return { ok: false, errors: { subject: { id: "settings.error.pushSubject" } } };
  return value === initial ? { ok: true, changed: [], input: {} } : { ok: true, changed: ["subject"], input: { subject: value } };
};

export type OfferForm = { title: string; text: string; url: string; priority: string };
export const EMPTY_OFFER: OfferForm = { title: "", text: "", url: "", priority: "0" };

/** A new offer (fits everyone: the condition is edited with segments, not here). */
export const checkOffer = (form: OfferForm): Checked<keyof OfferForm> => {
  const errors: FieldErrors<keyof OfferForm> = {};
  const title = form.title.trim();
  const priority = wholeNumber(form.priority, -(2 ** 31 - 1), 2 ** 31 - 1);
  if (title.length < 1 || title.length > 120) errors.title = { id: "settings.error.offerTitle" };
  if (!httpUrl(form.url.trim(), ["https:"])) errors.url = { id: "settings.error.httpsUrl" };
  if (isError(priority)) errors.priority = priority;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    changed: ["title", "text", "url", "priority"],
    input: { title, text: form.text.trim(), url: form.url.trim(), priority },
  };
};

export type SenderEmailForm = SenderForm & EmailForm;

/** The sender (part of `appSettings`) and the email provider in one form, saved by two
 * mutations: `input.settings` and `input.provider`, each only when its part changed. */
export const checkSenderAndEmail = (initial: SenderEmailForm, form: SenderEmailForm): Checked<keyof SenderEmailForm> => {
  const pick = <K extends string>(value: SenderEmailForm, keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, value[key as keyof SenderEmailForm]])) as Record<K, never>;
  const sender = checkSender(pick(initial, SENDER_KEYS), pick(form, SENDER_KEYS));
  const email = checkEmail(pick(initial, EMAIL_KEYS), pick(form, EMAIL_KEYS));
  if (!sender.ok || !email.ok) {
    return { ok: false, errors: { ...(sender.ok ? {} : sender.errors), ...(email.ok ? {} : email.errors) } };
  }
  const input: Record<string, unknown> = {};
  if (sender.changed.length) input.settings = sender.input;
  if (email.changed.length) input.provider = email.input;
  return { ok: true, changed: [...sender.changed, ...email.changed], input };
};

const SENDER_KEYS = ["senderName", "fromEmail", "replyTo"] as const;
const EMAIL_KEYS = ["kind", "smtpHost", "smtpPort", "smtpSecurity", "smtpUsername", "smtpPassword", "esp", "espSettings", "maxPerSecond", "connections"] as const;
