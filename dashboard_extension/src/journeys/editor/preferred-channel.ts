/**
 * A "send on the preferred channel" step (definition.py's SendPreferred): a template per
 * channel the step may use (`templates`) and the order tried when the contact has no learned
 * channel or cannot be reached on it (`fallback`, exactly those channels, each once). The side
 * panel edits both as one list of rows, in fallback order; these functions keep the two keys
 * in step, and `checkPreferred` mirrors what `journey_parse` refuses.
 */
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export const SEND_CHANNELS = ["email", "sms", "push"] as const;
export type SendChannel = (typeof SEND_CHANNELS)[number];
export type ChannelRow = { channel: SendChannel; template: string };

const TEMPLATE_KEY = /^[a-z0-9-]{1,64}$/;

export const isSendChannel = (value: unknown): value is SendChannel =>
  typeof value === "string" && (SEND_CHANNELS as readonly string[]).includes(value);

/** What a new step starts with: email, then SMS, templates still to choose. */
export const preferredDefaults = (): JsonObject => ({
  templates: { email: "", sms: "" },
  fallback: ["email", "sms"],
  at_best_hour: false,
});

/** The rows in fallback order; a channel with a template but missing from the order last. */
export const channelRows = (config: JsonObject): ChannelRow[] => {
  const templates = isObject(config.templates) ? config.templates : {};
  const order = Array.isArray(config.fallback) ? config.fallback.filter(isSendChannel) : [];
  const channels = [...new Set([...order, ...Object.keys(templates).filter(isSendChannel)])];
  return channels.map((channel) => {
    const template = templates[channel];
    return { channel, template: typeof template === "string" ? template : "" };
  });
};

/** The configuration with `templates` and `fallback` both written from `rows`. */
export const withRows = (config: JsonObject, rows: readonly ChannelRow[]): JsonObject => ({
  ...config,
  templates: Object.fromEntries(rows.map((row) => [row.channel, row.template])),
  fallback: rows.map((row) => row.channel),
});

/** The channels not in the step yet, in the palette's order. */
export const channelsLeft = (rows: readonly ChannelRow[]): SendChannel[] =>
  SEND_CHANNELS.filter((channel) => !rows.some((row) => row.channel === channel));

export const rowAdded = (rows: readonly ChannelRow[], channel: SendChannel): ChannelRow[] =>
  rows.some((row) => row.channel === channel) ? [...rows] : [...rows, { channel, template: "" }];

export const rowRemoved = (rows: readonly ChannelRow[], channel: SendChannel): ChannelRow[] =>
  rows.filter((row) => row.channel !== channel);

/** The row at `index` moved one place up (-1) or down (+1); at an end, nothing moves. */
export const rowMoved = (rows: readonly ChannelRow[], index: number, delta: -1 | 1): ChannelRow[] => {
  const target = index + delta;
  if (index < 0 || index >= rows.length || target < 0 || target >= rows.length) return [...rows];
  const moved = [...rows];
  [moved[index], moved[target]] = [moved[target] as ChannelRow, moved[index] as ChannelRow];
  return moved;
};

export const templateSet = (rows: readonly ChannelRow[], channel: SendChannel, template: string): ChannelRow[] =>
  rows.map((row) => (row.channel === channel ? { ...row, template } : row));

type Add = (field: string, code: string, values?: Record<string, string | number>) => void;

/** definition.py's refusals: 1-3 channels, each with a template key, and a fallback order
 * naming exactly those channels once each. */
export const checkPreferred = (node: JsonObject, add: Add) => {
  const templates: Json | undefined = node.templates;
  if (!isObject(templates) || Object.keys(templates).length === 0) {
    add("templates", "required");
  } else {
    for (const [channel, key] of Object.entries(templates)) {
      if (!isSendChannel(channel)) add(`templates.${channel}`, "preferred_channel");
      else if (typeof key !== "string" || key.trim() === "") add(`templates.${channel}`, "required");
      else if (!TEMPLATE_KEY.test(key)) add(`templates.${channel}`, "template_key");
    }
  }
  const fallback = node.fallback;
  if (!Array.isArray(fallback) || fallback.length === 0) {
    add("fallback", "required");
    return;
  }
  if (!fallback.every(isSendChannel)) add("fallback", "preferred_channel");
  else if (new Set(fallback).size !== fallback.length) add("fallback", "preferred_twice");
  else if (isObject(templates)) {
    const named = Object.keys(templates);
    if (named.length !== fallback.length || !named.every((c) => (fallback as Json[]).includes(c)))
      add("fallback", "preferred_fallback");
  }
};

/** The canvas node's line: the fallback order, e.g. "sms → email". */
export const preferredSummary = (config: JsonObject): string | null => {
  const rows = channelRows(config);
  return rows.length ? rows.map((row) => row.channel).join(" → ") : null;
};
