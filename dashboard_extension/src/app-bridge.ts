import { AppBridge } from "@saleor/app-sdk/app-bridge";

import { isInIframe } from "./lib/embedding";

/**
 * One App Bridge per page, created as soon as the bundle loads so it can answer the
 * Dashboard's handshake (it sends notifyReady at once; the Dashboard answers with the
 * handshake and its token). Outside a frame (the privacy and support pages opened
 * directly) there is no Dashboard to talk to, and no bridge.
 */
export const appBridge: AppBridge | undefined = isInIframe(window) ? new AppBridge() : undefined;
