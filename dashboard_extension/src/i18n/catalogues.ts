/**
 * Message catalogues: one JSON file per language and area (`en/journeys.json`), merged
 * per language. Ids are global, so two areas of one language may not share an id.
 */
import { APP_LOCALES, type AppLocale } from "../lib/locale";

export type Messages = Record<string, string>;
export type Catalogues = Record<AppLocale, Messages>;

/** `./en/journeys.json` (an import.meta.glob key) -> language and area. */
export const parseCataloguePath = (path: string): { locale: string; area: string } | null => {
  const match = /(?:^|\/)([a-z]{2})\/([a-z0-9-]+)\.json$/.exec(path);

  return match ? { locale: match[1] as string, area: match[2] as string } : null;
};

export const mergeCatalogues = (files: Record<string, Messages>): Catalogues => {
  const catalogues = Object.fromEntries(APP_LOCALES.map((locale) => [locale, {}])) as Catalogues;
  const owners = new Map<string, string>();

  for (const [path, messages] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseCataloguePath(path);

    if (!parsed || !(APP_LOCALES as readonly string[]).includes(parsed.locale)) {
      throw new Error(`${path} is not a catalogue of an app language (<language>/<area>.json)`);
    }

    const target = catalogues[parsed.locale as AppLocale];

    for (const [id, text] of Object.entries(messages)) {
      const key = `${parsed.locale}:${id}`;
      const owner = owners.get(key);

      if (owner) {
        throw new Error(`Message id ${id} is in both ${owner} and ${path}`);
      }

      owners.set(key, path);
      target[id] = text;
    }
  }

  return catalogues;
};

/** Ids one language has and another lacks, per language that lacks them. */
export const missingIds = (catalogues: Catalogues): Record<AppLocale, string[]> => {
  const all = new Set(APP_LOCALES.flatMap((locale) => Object.keys(catalogues[locale])));

  return Object.fromEntries(
    APP_LOCALES.map((locale) => [locale, [...all].filter((id) => !(id in catalogues[locale])).sort()]),
  ) as Record<AppLocale, string[]>;
};
