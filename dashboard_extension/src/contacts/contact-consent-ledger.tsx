/** The profile's consent ledger: a table of every consent change, newest first. */
import { Box, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { formatDateTime } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { useGraphQLClient } from "../providers/data-provider";
import { CONTACT_CONSENT_LEDGER_QUERY } from "./ledger.documents";
import { ledgerActionMessageId, ledgerChannelMessageId, type LedgerEntry, ledgerHasAddresses } from "./ledger";
import { contactsKey } from "./use-contacts";

const useConsentLedger = (contactId: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("ledger", contactId),
    queryFn: ({ signal }) =>
      client
        .request<{ contact: { id: string; consentLedger: LedgerEntry[] } | null }>(CONTACT_CONSENT_LEDGER_QUERY, { id: contactId }, { signal })
        .then((data) => data.contact?.consentLedger ?? []),
  });
};

const cell = { paddingY: 2, paddingX: 3, textAlign: "left" } as const;

export const ContactConsentLedger = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string) => intl.formatMessage({ id });
  const ledger = useConsentLedger(contactId);
  const withAddresses = ledger.data ? ledgerHasAddresses(ledger.data) : false;
  const columns = ["when", "channel", "action", "source", "version", ...(withAddresses ? ["address"] : [])];
  return (
    <Section title={t("contacts.ledger.title")} testId="contact-consent-ledger">
      {ledger.isPending && <LoadingState label={t("contacts.ledger.loading")} />}
      {ledger.isError && <ErrorState error={ledger.error} onRetry={() => void ledger.refetch()} />}
      {ledger.data && ledger.data.length === 0 && (
        <Text size={3} data-testid="consent-ledger-empty">
          {t("contacts.ledger.empty")}
        </Text>
      )}
      {ledger.data && ledger.data.length > 0 && (
        <Box as="table" width="100%" __borderCollapse="collapse" data-testid="consent-ledger-table">
          <caption style={{ textAlign: "left" }}>
            <Text size={3} color="default2">
              {t("contacts.ledger.caption")}
            </Text>
          </caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <Box as="th" key={column} {...cell} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1" scope="col">
                  <Text size={3} fontWeight="medium">
                    {t(`contacts.ledger.column.${column}`)}
                  </Text>
                </Box>
              ))}
            </tr>
          </thead>
          <tbody>
            {ledger.data.map((entry, index) => (
              <tr key={`${entry.occurredAt}-${index}`} data-testid="consent-ledger-row">
                <Box as="td" {...cell}>
                  <Text size={3}>{formatDateTime(entry.occurredAt, locale)}</Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3}>{t(ledgerChannelMessageId(entry.channel))}</Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3} fontWeight="medium" color={entry.action === "WITHDRAWN" ? "critical1" : "default1"}>
                    {t(ledgerActionMessageId(entry.action))}
                  </Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3} __fontFamily="monospace">
                    {entry.source}
                  </Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3}>{entry.textVersion ?? t("contacts.ledger.noVersion")}</Text>
                </Box>
                {withAddresses && (
                  <Box as="td" {...cell}>
                    <Text size={3}>{entry.ipAddress ?? "—"}</Text>
                  </Box>
                )}
              </tr>
            ))}
          </tbody>
        </Box>
      )}
    </Section>
  );
};
