/**
 * Which journeys use a template: the send nodes (send_email, send_sms, send_push, and each
 * channel's template of a send_preferred) of each
 * journey's published version and of its draft name templates by key. A template is known by
 * its channel and key, as a send node's type and `template` name it.
 */

export type Channel = "email" | "sms" | "push";

const SEND_CHANNELS: Record<string, Channel> = { send_email: "email", send_sms: "sms", send_push: "push" };

export type UsageJourney = {
  id: string;
  name: string;
  status: string;
  draft: unknown;
  currentVersion: { number: number; definition: unknown } | null;
};

export type TemplateUse = {
  journeyId: string;
  journeyName: string;
  status: string;
  /** Sent by the published version. */
  published: boolean;
  /** Named by the draft (unpublished changes included). */
  draft: boolean;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const usageKey = (channel: string, key: string) => `${channel}/${key}`;

/** The `channel/key` of every template a definition's send nodes name (a draft may be partial). */
export const sendTemplateKeys = (definition: unknown): Set<string> => {
  const keys = new Set<string>();
  const nodes = isRecord(definition) ? definition.nodes : undefined;
  if (!isRecord(nodes)) return keys;
  for (const node of Object.values(nodes)) {
    if (!isRecord(node) || typeof node.type !== "string") continue;
    const channel = SEND_CHANNELS[node.type];
    if (channel && typeof node.template === "string" && node.template !== "") {
      keys.add(usageKey(channel, node.template));
    }
    if (node.type === "send_preferred" && isRecord(node.templates)) {
      for (const [name, key] of Object.entries(node.templates)) {
        if (typeof key === "string" && key !== "") keys.add(usageKey(name, key));
      }
    }
  }
  return keys;
};

/** The journeys using each template (by `channel/key`), sorted by journey name. */
export const templateUsage = (journeys: readonly UsageJourney[]): Map<string, TemplateUse[]> => {
  const usage = new Map<string, TemplateUse[]>();
  const sorted = [...journeys].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  for (const journey of sorted) {
    const published = journey.currentVersion ? sendTemplateKeys(journey.currentVersion.definition) : new Set<string>();
    const draft = sendTemplateKeys(journey.draft);
    for (const key of new Set([...published, ...draft])) {
      const uses = usage.get(key) ?? [];
      uses.push({
        journeyId: journey.id,
        journeyName: journey.name,
        status: journey.status,
        published: published.has(key),
        draft: draft.has(key),
      });
      usage.set(key, uses);
    }
  }
  return usage;
};

export const usesOf = (usage: Map<string, TemplateUse[]>, template: { channel: string; key: string }): TemplateUse[] =>
  usage.get(usageKey(template.channel, template.key)) ?? [];

/** How a use is labelled: in the live journey, only in its draft, or both. */
export const useMessageId = (use: TemplateUse): string =>
  use.published ? (use.draft ? "templates.usage.published" : "templates.usage.publishedOnly") : "templates.usage.draftOnly";
