/** What the settings screen reads from the app's API (settings.documents.ts). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type AppSettings = {
  shopName: string;
  senderName: string;
  fromEmail: string;
  replyTo: string;
  sender: string;
  storefrontUrls: Json;
  storefrontOrigins: string[];
  dashboardOrigins: string[];
  checkoutAbandonedAfterMinutes: number;
  browseAbandonedAfterMinutes: number;
  browseWindowHours: number;
  lapsingAfterDays: number;
  lapsedAfterDays: number;
  vipMinOrders: number;
  spendThresholds: Json;
  metadataKeys: Json;
  capCount: number;
  capHours: number;
  channelCaps: Json;
  quietStartHour: number | null;
  quietEndHour: number | null;
  quietAction: string;
  attribution: { clickDays: number; openDays: number; clickOnly: boolean };
  warnings: string[];
};

export type EmailProvider = {
  kind: string;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: string;
  smtpUsername: string;
  hasSmtpPassword: boolean;
  esp: string;
  hasEspSettings: boolean;
  maxPerSecond: number;
  /** Parallel connections to it across all workers (0 to 32); 0: the deployment's default. */
  connections: number;
};

export type SmsProvider = {
  configured: boolean;
  accountSid: string;
  hasAuthToken: boolean;
  fromNumber: string;
  messagingServiceSid: string;
  maxPerSecond: number;
  doubleOptIn: boolean;
  statusCallbackUrl: string;
  inboundUrl: string;
};

export type PushSettings = { subject: string; publicKey: string; activeSubscriptions: number };

export type Offer = {
  id: string;
  title: string;
  text: string;
  url: string;
  priority: number;
  active: boolean;
  condition: Json;
  /** Valid from (null: at once) and until before (null: no end), UTC instants. */
  startsAt: string | null;
  endsAt: string | null;
  /** Saleor channel slugs; empty: every channel. */
  channels: string[];
};

export type BackfillStatus = {
  resource: "CUSTOMERS" | "ORDERS" | "CHECKOUTS";
  status: "PENDING" | "RUNNING" | "DONE" | "FAILED";
  done: number;
  skipped: number;
  total: number | null;
  error: string | null;
  droppedFields: string[];
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
};

export type SettingsScreen = {
  appSettings: AppSettings;
  emailProvider: EmailProvider;
  smsProvider: SmsProvider;
  pushSettings: PushSettings;
};
