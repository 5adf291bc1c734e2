import { type AppBridge, AppBridgeProvider, AppContext } from "@saleor/app-sdk/app-bridge";
import type { ReactNode } from "react";

const noBridge = { appBridge: undefined, mounted: true };

/**
 * App Bridge's context. Without a bridge (not framed) the context says so instead of
 * letting AppBridgeProvider create one that would wait for a Dashboard that is not there.
 */
export const BridgeProvider = ({ bridge, children }: { bridge: AppBridge | undefined; children: ReactNode }) =>
  bridge ? (
    <AppBridgeProvider appBridgeInstance={bridge}>{children}</AppBridgeProvider>
  ) : (
    <AppContext.Provider value={noBridge}>{children}</AppContext.Provider>
  );
