/**
 * Consent texts (`consentTexts`, `addConsentTextVersion`): the versions of each channel's
 * wording per language, grouped for the settings, and the form of a new version checked as the
 * API checks it (docs/consent.md). Versions never change: a new wording is a new version.
 */
import type { Checked } from "./app-forms";
import type { FieldErrors } from "./form-values";

export const CONSENT_CHANNELS = ["EMAIL", "SMS", "PUSH"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export type ConsentText = {
  channel: ConsentChannel;
  language: string;
  version: string;
  text: string;
  createdAt: string;
  current: boolean;
};

export type ConsentTextForm = { channel: string; language: string; version: string; consentText: string };
export const EMPTY_CONSENT_TEXT: ConsentTextForm = { channel: "EMAIL", language: "en", version: "", consentText: "" };

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;
export const MAX_VERSION = 64;
export const MAX_TEXT = 10_000;

export const checkConsentText = (form: ConsentTextForm): Checked<keyof ConsentTextForm> => {
  const errors: FieldErrors<keyof ConsentTextForm> = {};
  const language = form.language.trim().replace(/_/g, "-").toLowerCase();
  const version = form.version.trim();
  const text = form.consentText.trim();
  if (!(CONSENT_CHANNELS as readonly string[]).includes(form.channel)) errors.channel = { id: "settings.error.required" };
  if (!LANGUAGE.test(language)) errors.language = { id: "settings.consent.error.language" };
  if (version.length < 1 || version.length > MAX_VERSION || /\s/.test(version)) errors.version = { id: "settings.consent.error.version", values: { max: MAX_VERSION } };
  if (text.length < 1 || text.length > MAX_TEXT) errors.consentText = { id: "settings.consent.error.text", values: { max: MAX_TEXT } };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, changed: ["channel", "language", "version", "consentText"], input: { channel: form.channel, language, version, text } };
};

export type ConsentTextGroup = { channel: ConsentChannel; language: string; versions: ConsentText[] };

/** One group per channel and language (channels in their order, then languages A-Z), each's
 * versions newest first (the current one first). */
export const consentTextGroups = (texts: ConsentText[]): ConsentTextGroup[] => {
  const groups = new Map<string, ConsentTextGroup>();
  for (const text of texts) {
    const key = `${text.channel}:${text.language}`;
    const group = groups.get(key) ?? { channel: text.channel, language: text.language, versions: [] };
    group.versions.push(text);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, versions: [...group.versions].sort((a, b) => Number(b.current) - Number(a.current) || b.createdAt.localeCompare(a.createdAt)) }))
    .sort((a, b) => CONSENT_CHANNELS.indexOf(a.channel) - CONSENT_CHANNELS.indexOf(b.channel) || a.language.localeCompare(b.language));
};
