import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

import { toMacawTheme } from "../lib/theme";

/** Follows the Dashboard's light/dark theme. Renders nothing. */
export const ThemeSynchronizer = () => {
  const { appBridgeState } = useAppBridge();
  const { setTheme } = useTheme();
  const dashboardTheme = appBridgeState?.theme;

  useEffect(() => {
    setTheme(toMacawTheme(dashboardTheme));
  }, [dashboardTheme, setTheme]);

  return null;
};
