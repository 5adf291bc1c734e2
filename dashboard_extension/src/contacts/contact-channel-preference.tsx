import { Box, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Fact, Section } from "../components/section";
import { formatDate } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { useGraphQLClient } from "../providers/data-provider";
import { CONTACT_CHANNEL_PREFERENCE_QUERY } from "./channel-preference.documents";
import { type ChannelPreference, explanationPhrases, scoreShares, sentence } from "./channel-preference";
import { contactsKey } from "./use-contacts";

const usePreference = (contactId: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("channel-preference", contactId),
    queryFn: ({ signal }) =>
      client
        .request<{ contact: { id: string; channelPreference: ChannelPreference } | null }>(
          CONTACT_CHANNEL_PREFERENCE_QUERY,
          { id: contactId },
          { signal },
        )
        .then((data) => data.contact?.channelPreference ?? null),
  });
};

/** The channel the contact answers on, why (the last 90 days), the scores and where the
 * contact can be reached now: what a "send on the preferred channel" step decides by. */
export const ContactChannelPreference = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const query = usePreference(contactId);
  const pref = query.data;
  const channelName = (channel: string) => t(`preferred.channel.${channel}`);
  const phrases = pref ? explanationPhrases(pref.tallies) : [];
  const why = phrases.length
    ? sentence(
        t("preferred.profile.window", {
          actions: intl.formatList(
            phrases.map((p) =>
              t(`preferred.profile.${p.verb}`, {
                items: intl.formatList(
                  p.items.map((item) => t(`preferred.profile.items.${item.channel}`, { count: item.count })),
                  { type: "conjunction" },
                ),
              }),
            ),
            { type: "conjunction" },
          ),
        }),
      )
    : t("preferred.profile.quiet");
  return (
    <Section title={t("preferred.profile.title")} testId="contact-channel-preference">
      {query.isPending && <LoadingState label={t("preferred.profile.title")} />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {pref && (
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
          <Fact label={t("preferred.profile.title")} testId="preference-channel">
            <Text size={5} fontWeight="bold" display="block">
              {pref.channel ? t("preferred.profile.channel", { channel: channelName(pref.channel) }) : t("preferred.profile.none")}
            </Text>
            <Text size={2} color="default2" display="block" data-testid="preference-why">
              {why}
            </Text>
            {pref.learnedAt && (
              <Text size={2} color="default2" display="block">
                {t("preferred.profile.learnedAt", { date: formatDate(pref.learnedAt, locale) })}
              </Text>
            )}
          </Fact>
          {pref.scores.length > 0 && (
            <Fact label={t("preferred.profile.scores", { days: pref.halfLifeDays })} testId="preference-scores">
              <Box as="ul" margin={0} paddingLeft={0} display="flex" flexDirection="column" gap={1} style={{ listStyle: "none" }}>
                {scoreShares(pref.scores).map(({ channel, percent }) => (
                  <Box as="li" key={channel} display="flex" gap={2} alignItems="center">
                    <Text size={2} __width="90px">
                      {channelName(channel)}
                    </Text>
                    <Box __width={`${Math.max(percent, 2)}px`} __height="8px" backgroundColor="accent1" borderRadius={2} />
                    <Text size={2} color="default2">
                      {intl.formatNumber(pref.scores.find((s) => s.channel === channel)?.score ?? 0, { maximumFractionDigits: 2 })}
                    </Text>
                  </Box>
                ))}
              </Box>
            </Fact>
          )}
          <Fact label={t("preferred.profile.reach")} testId="preference-reachable">
            <Text size={3}>
              {pref.reachable.length
                ? t("preferred.profile.reachable", { channels: intl.formatList(pref.reachable.map(channelName), { type: "conjunction" }) })
                : t("preferred.profile.unreachable")}
            </Text>
          </Fact>
        </Box>
      )}
    </Section>
  );
};
