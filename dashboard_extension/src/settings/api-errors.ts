/**
 * Which field an error of the API concerns. The API refuses a value with a code (its
 * `extensions.code`) and an English message; some codes cover several fields, and then the
 * message names the one. A refusal that names no field of the form is shown above the form.
 */
import type { FieldError } from "./form-values";

export type ApiRefusal = { code: string; message: string };
export type Located = { field: string | null; error: FieldError };

type Rule = { code: string; field: string; when?: RegExp };

/** First match wins; `when` tests the message. */
const RULES: Rule[] = [
  { code: "INVALID_SENDER_NAME", field: "senderName" },
  { code: "INVALID_FROM_EMAIL", field: "fromEmail" },
  { code: "INVALID_REPLY_TO", field: "replyTo" },
  { code: "INVALID_HOUR", field: "quietStartHour" },
  { code: "INVALID_QUIET_ACTION", field: "quietAction" },
  { code: "INVALID_CAP", field: "smsCapCount", when: /^Channel caps/ },
  { code: "INVALID_CAP", field: "capHours" },
  { code: "INVALID_THRESHOLDS", field: "vipMinOrders", when: /VIP/ },
  { code: "INVALID_THRESHOLDS", field: "lapsedAfterDays" },
  { code: "INVALID_SPEND_THRESHOLDS", field: "spendThresholds" },
  { code: "INVALID_WINDOW", field: "checkoutAbandonedAfterMinutes", when: /^checkout_abandoned/ },
  { code: "INVALID_WINDOW", field: "browseWindowHours", when: /^browse_window/ },
  { code: "INVALID_WINDOW", field: "browseAbandonedAfterMinutes" },
  { code: "INVALID_STOREFRONT_URL", field: "storefrontUrls" },
  { code: "INVALID_ORIGIN", field: "dashboardOrigins", when: /saleor\.cloud/ },
  { code: "INVALID_ORIGIN", field: "storefrontOrigins" },
  { code: "INVALID_METADATA_KEYS", field: "metadataKeys" },
  { code: "INVALID_ATTRIBUTION", field: "clickDays", when: /^clickDays/ },
  { code: "INVALID_ATTRIBUTION", field: "openDays", when: /^openDays/ },
  { code: "INVALID_PROVIDER", field: "smtpSecurity", when: /smtp_security/ },
  { code: "INVALID_PROVIDER", field: "maxPerSecond", when: /max_per_second/ },
  { code: "INVALID_PROVIDER", field: "connections", when: /^connections/ },
  { code: "INVALID_PROVIDER", field: "smtpHost", when: /SMTP server|host/i },
  { code: "INVALID_PROVIDER", field: "esp", when: /anymail/ },
  { code: "ADDRESS_NOT_ALLOWED", field: "smtpHost" },
  { code: "INVALID_SMS_PROVIDER", field: "accountSid", when: /account SID/ },
  { code: "INVALID_SMS_PROVIDER", field: "messagingServiceSid", when: /messaging service SID/ },
  { code: "INVALID_SMS_PROVIDER", field: "authToken", when: /auth token/ },
  { code: "INVALID_SMS_PROVIDER", field: "maxPerSecond", when: /max_per_second/ },
  { code: "INVALID_SMS_PROVIDER", field: "fromNumber", when: /sender/i },
  { code: "INVALID_PUSH_SETTINGS", field: "subject" },
  { code: "INVALID", field: "title", when: /title/ },
  { code: "INVALID_URL", field: "url" },
  { code: "INVALID_LANGUAGE", field: "language" },
  { code: "INVALID_VERSION", field: "version" },
  { code: "VERSION_TAKEN", field: "version" },
  { code: "INVALID_TEXT", field: "consentText" },
  { code: "INVALID_URL_PATTERN", field: "patterns" },
  { code: "INVALID_LOW_STOCK_THRESHOLD", field: "lowStockThreshold" },
  { code: "INVALID_PRODUCT_TYPES", field: "consumableProductTypes" },
];

/** The field of `fields` the refusal concerns (null: the form as a whole), with the API's text. */
export const locateRefusal = ({ code, message }: ApiRefusal, fields: readonly string[]): Located => {
  const rule = RULES.find((r) => r.code === code && fields.includes(r.field) && (!r.when || r.when.test(message)));
  return { field: rule?.field ?? null, error: { id: "settings.error.fromApi", values: { message } } };
};
