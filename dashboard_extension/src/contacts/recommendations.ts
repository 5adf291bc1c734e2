/**
 * Decisions of the profile's recommendations card (`contactRecommendations`, ADR 0037): the
 * channel it starts on (the contact's last order's, when Saleor still has it, else the first
 * active one), and each product as the card shows it (its reason in the Dashboard's language,
 * asked of the API; its price in the channel's currency, or none when nothing is in stock).
 */
import { type AppLocale } from "../lib/locale";
import { formatMoney } from "../lib/format";

export type RecommendedProduct = { id: string; name: string; slug: string; url: string; image: string; price: string | null; currency: string; category: string };
export type Recommendation = { product: RecommendedProduct; reason: string; score: number };
export type ChannelChoice = { slug: string; name: string; currencyCode: string; isActive: boolean };

/** How many products the card asks for. */
export const CARD_SIZE = 6;

export const startChannel = (channels: readonly ChannelChoice[], lastOrderChannel: string | null | undefined): string | null => {
  if (lastOrderChannel && channels.some((c) => c.slug === lastOrderChannel)) return lastOrderChannel;
  return (channels.find((c) => c.isActive) ?? channels[0])?.slug ?? null;
};

export type Card = { id: string; name: string; reason: string; price: string | null; category: string; image: string; url: string };

export const cardOf = (item: Recommendation, locale: AppLocale): Card => ({
  id: item.product.id,
  name: item.product.name,
  reason: item.reason,
  price: item.product.price === null ? null : formatMoney(item.product.price, item.product.currency, locale),
  category: item.product.category,
  image: item.product.image,
  url: item.product.url,
});
