import { AppBridge } from "@saleor/app-sdk/app-bridge";

/**
 * One App Bridge per page, created as soon as the bundle loads so it can
 * answer the Dashboard's handshake. Outside the Dashboard it stays idle and
 * the UI explains where to open the app.
 */
export const appBridge = new AppBridge();
