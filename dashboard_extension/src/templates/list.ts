/** The templates list: grouped by channel, each with its kind, languages and latest versions. */
import type { Channel } from "./usage";

export const CHANNELS: readonly Channel[] = ["email", "sms", "push"];
export const KINDS = ["marketing", "transactional"] as const;
export type Kind = (typeof KINDS)[number];

export type VersionStamp = { id: string; language: string; number: number; createdAt: string };

export type TemplateRow = {
  id: string;
  key: string;
  name: string;
  description: string;
  kind: string;
  channel: string;
  isBuiltin: boolean;
  defaultLanguage: string;
  languages: string[];
  versions: VersionStamp[];
};

export type ChannelGroup = { channel: Channel; templates: TemplateRow[] };

/** Every channel in a fixed order (an empty one too: it shows its empty state), names sorted. */
export const groupByChannel = (templates: readonly TemplateRow[]): ChannelGroup[] =>
  CHANNELS.map((channel) => ({
    channel,
    templates: templates
      .filter((template) => template.channel === channel)
      .sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key)),
  }));

/** The newest version of each language, default language first, then by language code. */
export const latestPerLanguage = <V extends { language: string; number: number }>(
  versions: readonly V[],
  defaultLanguage: string,
): V[] => {
  const latest = new Map<string, V>();
  for (const version of versions) {
    const known = latest.get(version.language);
    if (!known || version.number > known.number) latest.set(version.language, version);
  }
  return [...latest.values()].sort(
    (a, b) =>
      Number(b.language === defaultLanguage) - Number(a.language === defaultLanguage) || a.language.localeCompare(b.language),
  );
};

/** A language's versions, newest first. */
export const versionsOf = <V extends { language: string; number: number }>(versions: readonly V[], language: string): V[] =>
  versions.filter((version) => version.language === language).sort((a, b) => b.number - a.number);

export const kindMessageId = (kind: string): string =>
  (KINDS as readonly string[]).includes(kind) ? `templates.kind.${kind}` : "templates.kind.other";

export const channelMessageId = (channel: Channel): string => `templates.channel.${channel}`;
