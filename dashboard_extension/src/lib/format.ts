/**
 * Money, numbers and dates in the user's language. Amounts come from the API as decimal
 * strings (`"1234.50"`), each with its ISO 4217 currency; a currency Intl does not know is
 * shown as the amount and its code.
 */
import type { AppLocale } from "./locale";

/** The Intl locale for an app language (German and English number and date conventions). */
export const intlLocale = (locale: AppLocale): string => (locale === "de" ? "de-DE" : "en-US");

export const formatMoney = (amount: string | number, currency: string, locale: AppLocale): string => {
  const value = typeof amount === "number" ? amount : Number(amount);

  if (!Number.isFinite(value)) {
    return `${amount} ${currency}`;
  }

  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency }).format(value);
  } catch {
    return `${new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(value)} ${currency}`;
  }
};

export const formatNumber = (value: number, locale: AppLocale): string =>
  new Intl.NumberFormat(intlLocale(locale)).format(value);

const parseDate = (iso: string): Date | null => {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? null : date;
};

/**
 * A date and time, in the browser's time zone unless one is given (tests give one).
 * An unparseable value is shown as it came.
 */
export const formatDateTime = (iso: string, locale: AppLocale, timeZone?: string): string => {
  const date = parseDate(iso);

  return date
    ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone }).format(date)
    : iso;
};

export const formatDate = (iso: string, locale: AppLocale, timeZone?: string): string => {
  const date = parseDate(iso);

  return date ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone }).format(date) : iso;
};
