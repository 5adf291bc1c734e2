/**
 * A contact's profile as a Dashboard path: what a page outside the app (the customer widget,
 * inside Saleor's customer page) asks the Dashboard to open through App Bridge's `redirect`.
 */
import { pathFor } from "../lib/routes";

export const dashboardProfilePath = (appId: string, contactId: string): string =>
  `/extensions/app/${encodeURIComponent(appId)}${pathFor({ name: "contact", contactId })}`;
