/**
 * A new version of an SMS (text) or push (title, text, link) template: the draft, the problems
 * found before the call (the same rules the API applies: createChannelTemplateVersion), and an
 * SMS's segments as the API counts them (smsSegments).
 */

export type TextDraft = { title: string; text: string; url: string };
export type TextField = keyof TextDraft;
export type TextChannel = "sms" | "push";

export const textDraftOf = (version: { subject: string; text: string; pushUrl: string }): TextDraft => ({
  title: version.subject,
  text: version.text,
  url: version.pushUrl,
});

export const isTextDirty = (draft: TextDraft, saved: TextDraft, channel: TextChannel): boolean =>
  draft.text !== saved.text || (channel === "push" && (draft.title !== saved.title || draft.url !== saved.url));

/** A link the API takes: absolute http(s), or starting with a template variable or tag. */
const LINK = /^(https?:\/\/|\{[{%])/i;

/** The message ids of the draft's problems by field (none: it may be saved). An SMS has a text only. */
export const textProblems = (channel: TextChannel, draft: TextDraft): Partial<Record<TextField, string>> => {
  const problems: Partial<Record<TextField, string>> = {};
  if (draft.text.trim() === "") problems.text = "templates.problem.textRequired";
  if (channel === "push") {
    if (draft.title.trim() === "") problems.title = "templates.problem.titleRequired";
    if (draft.url.trim() !== "" && !LINK.test(draft.url.trim())) problems.url = "templates.problem.urlInvalid";
  }
  return problems;
};

/** What the API's createChannelTemplateVersion is given: an SMS has no title or link. */
export const textVersionInput = (channel: TextChannel, draft: TextDraft): TextDraft =>
  channel === "sms" ? { title: "", text: draft.text, url: "" } : { title: draft.title.trim(), text: draft.text, url: draft.url.trim() };

/** Characters (septets or UTF-16 units) one segment holds: a single message, or each part of a longer one. */
export const segmentCapacity = (encoding: string, count: number): number => {
  const ucs2 = encoding === "UCS-2";
  if (count <= 1) return ucs2 ? 70 : 160;
  return ucs2 ? 67 : 153;
};

/** The counter's message and its values (encoding, units, segments, the capacity of each). */
export const segmentSummary = ({ encoding, count, units }: { encoding: string; count: number; units: number }) => ({
  id: count === 0 ? "templates.sms.segments.empty" : "templates.sms.segments",
  values: { encoding, units, count, capacity: segmentCapacity(encoding, count) },
});

/** The editor's field an API error of a text version concerns (the API's field names). */
const API_FIELDS: Record<string, TextField> = { text: "text", subject: "title", push_url: "url" };

export type FieldError = { message: string; line: number | null };

/** The API's errors of a text version (channelTemplatePreview) by the editor's fields. */
export const apiFieldErrors = (errors: readonly { field: string; message: string; line: number | null }[]): Partial<Record<TextField, FieldError[]>> => {
  const byField: Partial<Record<TextField, FieldError[]>> = {};
  for (const { field, message, line } of errors) {
    const mine = API_FIELDS[field] ?? "text";
    (byField[mine] ??= []).push({ message, line });
  }
  return byField;
};
