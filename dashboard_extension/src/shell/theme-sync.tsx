import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

import { toMacawTheme } from "../lib/theme";

/** Follows the Dashboard's light/dark theme (App Bridge `theme` event). Renders nothing. */
export const ThemeSync = () => {
  const { appBridge } = useAppBridge();
  const { setTheme } = useTheme();

  useEffect(() => {
    if (!appBridge) {
      return undefined;
    }

    // A theme event that came before this subscription is in the bridge's state already.
    setTheme(toMacawTheme(appBridge.getState().theme));

    return appBridge.subscribe("theme", ({ theme }) => setTheme(toMacawTheme(theme)));
  }, [appBridge, setTheme]);

  return null;
};
