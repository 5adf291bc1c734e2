import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

import { toMacawTheme } from "../lib/theme";

/** Follows the Dashboard's light/dark theme (App Bridge `theme` event). Renders nothing. */
export const ThemeSync = () => {
  const { appBridgeState } = useAppBridge();
  const { setTheme } = useTheme();
  const dashboardTheme = appBridgeState?.theme;

  useEffect(() => {
    if (dashboardTheme) {
      setTheme(toMacawTheme(dashboardTheme));
    }
  }, [dashboardTheme, setTheme]);

  return null;
};
