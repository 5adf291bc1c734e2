import { ThemeProvider } from "@saleor/macaw-ui";
import { useState } from "react";
import { RouterProvider } from "react-router-dom";

import { appBridge } from "./app-bridge";
import { toMacawTheme } from "./lib/theme";
import { BridgeProvider } from "./providers/bridge-provider";
import { DataProvider } from "./providers/data-provider";
import { LocaleProvider } from "./providers/locale-provider";
import { createAppRouter } from "./router";

const initialTheme = () =>
  toMacawTheme(appBridge?.getState().theme ?? new URLSearchParams(window.location.search).get("theme") ?? undefined);

export const App = () => {
  const [router] = useState(createAppRouter);

  return (
    <BridgeProvider bridge={appBridge}>
      <ThemeProvider defaultTheme={initialTheme()}>
        <LocaleProvider>
          <DataProvider>
            <RouterProvider router={router} />
          </DataProvider>
        </LocaleProvider>
      </ThemeProvider>
    </BridgeProvider>
  );
};
