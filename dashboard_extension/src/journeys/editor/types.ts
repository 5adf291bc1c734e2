/**
 * The journey definition as the front end holds it: the JSON of
 * `saleor_mautomation/journeys/definition.py`, loosely typed because a draft may be
 * incomplete while the admin edits (the server validates it on publish).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const ENTRY_TYPES = ["event", "segment_entered", "date", "recurring", "trigger", "manual", "broadcast"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export const NODE_TYPES = [
  "wait",
  "wait_until",
  "wait_for_event",
  "condition",
  "split",
  "send_email",
  "send_sms",
  "send_push",
  "send_preferred",
  "give_voucher",
  "update_profile",
  "webhook",
  "list_add",
  "list_remove",
  "send_postal",
  "exit",
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** A node or the entry as stored: `type` plus its fields (outputs included). */
export type RawStep = JsonObject & { type?: Json };

export type Definition = JsonObject & {
  entry?: RawStep;
  start?: Json;
  nodes?: { [id: string]: RawStep };
};

export type Position = { x: number; y: number };
/** Positions by node id, the entry's under `LAYOUT_ENTRY_KEY`. Saved beside the draft. */
export type Layout = { [id: string]: Position };

export const isEntryType = (value: unknown): value is EntryType =>
  typeof value === "string" && (ENTRY_TYPES as readonly string[]).includes(value);

export const isNodeType = (value: unknown): value is NodeType =>
  typeof value === "string" && (NODE_TYPES as readonly string[]).includes(value);

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
