import { Box, Select, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { SaleorLink } from "../components/saleor-link";
import { useSaleorChannels } from "../journeys/editor/api";
import { useAppLocale } from "../providers/locale-provider";
import { useGraphQLClient } from "../providers/data-provider";
import { CARD_SIZE, cardOf, type Recommendation, startChannel } from "./recommendations";
import { CONTACT_RECOMMENDATIONS_QUERY } from "./recommendations.documents";
import { contactsKey } from "./use-contacts";

const useRecommendations = (contactId: string, channel: string | null, language: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("recommendations", contactId, channel, language),
    enabled: channel !== null,
    queryFn: ({ signal }) =>
      client
        .request<{ contactRecommendations: Recommendation[] }>(
          CONTACT_RECOMMENDATIONS_QUERY,
          { contactId, channel, first: CARD_SIZE, language },
          { signal },
        )
        .then((data) => data.contactRecommendations),
  });
};

/** What the app would recommend this contact now (the personalised blend of a message's
 * `recommend("personalised")`): each product with why, its price in the channel's currency. */
export const ContactRecommendations = ({ contactId, lastOrderChannel }: { contactId: string; lastOrderChannel: string | null }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const channels = useSaleorChannels();
  const choices = channels.data?.channels ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const channel = chosen ?? startChannel(choices, lastOrderChannel);
  const query = useRecommendations(contactId, channel, locale);
  const picker =
    choices.length > 1 && channel ? (
      <Box __width="240px">
        <Select
          size="small"
          label={t("contacts.recommendations.channel")}
          options={choices.map((c) => ({ value: c.slug, label: `${c.name} (${c.currencyCode})` }))}
          value={channel}
          onChange={(v: string | { value: string } | null) => {
            const next = typeof v === "string" ? v : v?.value;
            if (next) setChosen(next);
          }}
          data-testid="contact-recommendations-channel"
        />
      </Box>
    ) : undefined;
  const cards = (query.data ?? []).map((item) => cardOf(item, locale));
  return (
    <Section title={t("contacts.recommendations.title")} testId="contact-recommendations" actions={picker}>
      {channels.isError && <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />}
      {channels.isSuccess && channel === null && <Text size={3}>{t("contacts.recommendations.noChannel")}</Text>}
      {channel !== null && query.isPending && <LoadingState label={t("contacts.recommendations.title")} />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && cards.length === 0 && (
        <Text size={3} data-testid="contact-recommendations-none">
          {t("contacts.recommendations.none")}
        </Text>
      )}
      {cards.length > 0 && (
        <Box as="ul" margin={0} padding={0} listStyleType="none" display="grid" gap={4} __gridTemplateColumns="repeat(auto-fill, minmax(260px, 1fr))">
          {cards.map((card) => (
            <Box as="li" key={card.id} display="flex" gap={3} alignItems="flex-start" data-testid="contact-recommendation">
              {card.image ? (
                <img src={card.image} alt="" width={56} height={56} style={{ objectFit: "cover", borderRadius: 4, flexShrink: 0 }} />
              ) : (
                <Box __width="56px" __height="56px" backgroundColor="default2" borderRadius={3} flexShrink="0" />
              )}
              <Box display="flex" flexDirection="column" gap={1}>
                <SaleorLink page={{ kind: "product", id: card.id }} testId="contact-recommendation-name">
                  {card.name}
                </SaleorLink>
                <Text size={3} fontWeight="medium" data-testid="contact-recommendation-price">
                  {card.price ?? t("contacts.recommendations.noPrice")}
                </Text>
                <Text size={2} color="default2" data-testid="contact-recommendation-reason">
                  {card.reason}
                </Text>
              </Box>
            </Box>
          ))}
        </Box>
      )}
    </Section>
  );
};
