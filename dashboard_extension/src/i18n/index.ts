import type { AppLocale } from "../lib/locale";
import { mergeCatalogues, type Messages, parseCataloguePath } from "./catalogues";

// One chunk per language (vite.config.ts groups them): a page loads only its language.
const loaders = import.meta.glob<Messages>("./*/*.json", { import: "default" });

const loaded = new Map<AppLocale, Promise<Messages>>();

/** Every area's messages of one language, loaded once. */
export const loadMessages = (locale: AppLocale): Promise<Messages> => {
  let messages = loaded.get(locale);

  if (!messages) {
    const files = Object.entries(loaders).filter(([path]) => parseCataloguePath(path)?.locale === locale);

    messages = Promise.all(files.map(async ([path, load]) => [path, await load()] as const)).then(
      (entries) => mergeCatalogues(Object.fromEntries(entries))[locale],
    );
    // A failed load (the network) is tried again by the next caller.
    messages.catch(() => loaded.delete(locale));
    loaded.set(locale, messages);
  }

  return messages;
};
