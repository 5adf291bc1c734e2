import { Box, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Fact, Section } from "../components/section";
import { useAppLocale } from "../providers/locale-provider";
import { useGraphQLClient } from "../providers/data-provider";
import { evidence, nextMomentSaid, type SendTime, sendTimeSaid } from "./send-time";
import { CONTACT_SEND_TIME_QUERY } from "./send-time.documents";
import { contactsKey } from "./use-contacts";

const useSendTime = (contactId: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("send-time", contactId),
    queryFn: ({ signal }) =>
      client
        .request<{ contact: { id: string; sendTime: SendTime } | null }>(CONTACT_SEND_TIME_QUERY, { id: contactId }, { signal })
        .then((data) => data.contact?.sendTime ?? null),
  });
};

/** When the contact usually opens and clicks (or the shop's best hour), why, and when a
 * message due now would go: what "at the best hour" sends and best-time broadcasts wait for. */
export const ContactSendTime = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const query = useSendTime(contactId);
  const sendTime = query.data;
  const said = sendTime ? sendTimeSaid(sendTime) : null;
  const counted = sendTime ? intl.formatList(evidence(sendTime).map((e) => t(e.id, e.values)), { type: "conjunction" }) : "";
  const headline = said
    ? t(said.id, { ...said.values, day: said.values.dayId ? t(String(said.values.dayId)) : "", evidence: counted })
    : "";
  const next = sendTime ? nextMomentSaid(sendTime, locale) : null;
  return (
    <Section title={t("sendTime.profile.title")} testId="contact-send-time">
      {query.isPending && <LoadingState label={t("sendTime.profile.title")} />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {sendTime && (
        <Box display="flex" flexDirection="column" gap={3}>
          <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
            <Fact label={t("sendTime.profile.title")} testId="send-time-best">
              <Text size={5} fontWeight="bold" display="block" data-testid="send-time-said">
                {headline}
              </Text>
              {sendTime.source === "SHOP" && (
                <Text size={2} color="default2" display="block" data-testid="send-time-shop">
                  {t("sendTime.profile.shopEvidence", { evidence: counted, contacts: sendTime.shopContacts })}
                </Text>
              )}
            </Fact>
            <Fact label={t("sendTime.profile.next")} testId="send-time-next">
              <Text size={3} display="block">
                {next ?? t("sendTime.profile.nextNone")}
              </Text>
              <Text size={2} color="default2" display="block">
                {t("sendTime.profile.zone", { zone: sendTime.timeZone })}
              </Text>
            </Fact>
          </Box>
          <Text as="p" size={2} color="default2" data-testid="send-time-how">
            {t("sendTime.profile.how", { min: sendTime.minInteractions, prior: sendTime.priorWeight })}
          </Text>
        </Box>
      )}
    </Section>
  );
};
