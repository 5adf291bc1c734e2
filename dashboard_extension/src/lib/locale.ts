/**
 * Which of the app's languages to show. Inside the Dashboard: its locale (the `locale`
 * query parameter App Bridge reads at start, then every `localeChanged`); outside it
 * (privacy and support pages opened directly): the browser's languages.
 */

export const APP_LOCALES = ["en", "de"] as const;
export type AppLocale = (typeof APP_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "en";

const isAppLocale = (value: string): value is AppLocale => (APP_LOCALES as readonly string[]).includes(value);

/** The app language for one locale code (`de`, `de-AT`, `de_DE`, `DE`), or null. */
export const appLocaleOf = (code: string | null | undefined): AppLocale | null => {
  const primary = code?.trim().toLowerCase().split(/[-_]/, 1)[0] ?? "";

  return isAppLocale(primary) ? primary : null;
};

/** The first candidate the app speaks, else English. */
export const resolveLocale = (candidates: readonly (string | null | undefined)[]): AppLocale => {
  for (const candidate of candidates) {
    const locale = appLocaleOf(candidate);

    if (locale) {
      return locale;
    }
  }

  return DEFAULT_LOCALE;
};

/**
 * The language at start. `bridgeLocale` is App Bridge's state (the query's `locale`, or
 * its own default "en" when the Dashboard sent none), so outside the Dashboard only the
 * query and the browser count.
 */
export const initialLocale = ({
  embedded,
  bridgeLocale,
  queryLocale,
  browserLanguages,
}: {
  embedded: boolean;
  bridgeLocale: string | undefined;
  queryLocale: string | null;
  browserLanguages: readonly string[];
}): AppLocale =>
  embedded ? resolveLocale([queryLocale, bridgeLocale]) : resolveLocale([queryLocale, ...browserLanguages]);
