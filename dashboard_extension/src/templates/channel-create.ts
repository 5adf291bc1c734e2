/**
 * "New SMS template" and "New push template" (createChannelTemplate): the key journeys name the
 * template by, proposed from its name; the check before the call; the field a refusal concerns.
 */
import { nameCheck } from "./create-form";

/** The keys the API takes: lower-case letters, digits and hyphens, at most 64, not starting with a hyphen. */
const KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** "Cart reminder (SMS) №2" → "cart-reminder-sms-2". */
export const keyFromName = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 64)
    .replace(/-+$/, "");

export type ChannelForm = { name: string; key: string; kind: "marketing" | "transactional" };
export type ChannelField = "name" | "key";

/** The message ids of what stops the form from being sent, by field (none: it may be sent). */
export const channelFormProblems = ({ name, key }: ChannelForm): Partial<Record<ChannelField, string>> => {
  const problems: Partial<Record<ChannelField, string>> = {};
  const named = nameCheck(name);
  if (named) problems.name = named;
  if (key.trim() === "") problems.key = "templates.problem.keyRequired";
  else if (!KEY.test(key.trim())) problems.key = "templates.problem.keyInvalid";
  return problems;
};

/** The field a refusal of createChannelTemplate (its extensions.code) concerns, else null (above the form). */
export const channelRefusalField = (code: string): ChannelField | null => {
  if (code === "KEY_TAKEN" || code === "INVALID_KEY") return "key";
  if (code === "INVALID_NAME") return "name";
  return null;
};
