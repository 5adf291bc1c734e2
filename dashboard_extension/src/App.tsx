import { AppBridgeProvider } from "@saleor/app-sdk/app-bridge";
import { ThemeProvider } from "@saleor/macaw-ui";

import { appBridge } from "./app-bridge";
import { toMacawTheme } from "./lib/theme";
import { HomePage } from "./pages/home-page";
import { ThemeSynchronizer } from "./providers/theme-synchronizer";

export const App = () => (
  <AppBridgeProvider appBridgeInstance={appBridge}>
    <ThemeProvider defaultTheme={toMacawTheme(appBridge.getState().theme)}>
      <ThemeSynchronizer />
      <HomePage />
    </ThemeProvider>
  </AppBridgeProvider>
);
