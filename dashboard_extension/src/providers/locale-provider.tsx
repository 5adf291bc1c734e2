import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { IntlProvider } from "react-intl";

import { loadMessages } from "../i18n";
import type { Messages } from "../i18n/catalogues";
import { intlLocale } from "../lib/format";
import { type AppLocale, DEFAULT_LOCALE, initialLocale, resolveLocale } from "../lib/locale";

const LocaleContext = createContext<AppLocale>(DEFAULT_LOCALE);

/** The app language in use (for formatting money and dates). */
export const useAppLocale = () => useContext(LocaleContext);

/** react-intl in the Dashboard's language, following its `localeChanged` events. */
export const LocaleProvider = ({ children }: { children: ReactNode }) => {
  const { appBridge } = useAppBridge();
  const [locale, setLocale] = useState<AppLocale>(() =>
    initialLocale({
      embedded: appBridge !== undefined,
      bridgeLocale: appBridge?.getState().locale,
      queryLocale: new URLSearchParams(window.location.search).get("locale"),
      browserLanguages: navigator.languages ?? [navigator.language],
    }),
  );

  useEffect(() => {
    if (!appBridge) {
      return undefined;
    }

    // A localeChanged that came before this subscription is in the bridge's state already.
    setLocale(resolveLocale([appBridge.getState().locale]));

    return appBridge.subscribe("localeChanged", ({ locale: next }) => setLocale(resolveLocale([next])));
  }, [appBridge]);

  const [loaded, setLoaded] = useState<{ locale: AppLocale; messages: Messages } | null>(null);

  useEffect(() => {
    let current = true;

    loadMessages(locale)
      .catch((error: unknown) => {
        console.error(`The ${locale} messages did not load`, error);
        return {};
      })
      .then((messages) => {
        if (current) {
          setLoaded({ locale, messages });
        }
      });

    return () => {
      current = false;
    };
  }, [locale]);

  useEffect(() => {
    if (loaded) {
      document.documentElement.lang = loaded.locale;
    }
  }, [loaded]);

  // Until the first language is there, nothing: a page in the wrong language would flash.
  if (!loaded) {
    return null;
  }

  return (
    <LocaleContext.Provider value={loaded.locale}>
      <IntlProvider
        locale={intlLocale(loaded.locale)}
        defaultLocale={intlLocale(DEFAULT_LOCALE)}
        messages={loaded.messages}
      >
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
};
