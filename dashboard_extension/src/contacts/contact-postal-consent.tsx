import { Box, Button, Text, Textarea } from "@saleor/macaw-ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ModalCard } from "../components/modal-card";
import { Fact, Section } from "../components/section";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatDateTime } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { useGraphQLClient } from "../providers/data-provider";
import { ConsentChip } from "./consent-chip";
import { type ContactPostal, EVIDENCE_MAX, evidenceError, postalChange, postalConsentSaid } from "./postal-consent";
import { CONTACT_POSTAL_QUERY, SET_CONTACT_POSTAL_CONSENT_MUTATION } from "./postal-consent.documents";
import { contactsKey } from "./use-contacts";

const usePostal = (contactId: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("postal", contactId),
    queryFn: ({ signal }) =>
      client
        .request<{ contact: { id: string; postal: ContactPostal } | null }>(CONTACT_POSTAL_QUERY, { id: contactId }, { signal })
        .then((data) => data.contact?.postal ?? null),
  });
};

const useSetPostal = (contactId: string) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: { granted: boolean; evidence: string }) =>
      client
        .request<{ setContactPostalConsent: { postal: ContactPostal } }>(SET_CONTACT_POSTAL_CONSENT_MUTATION, { contactId, ...variables })
        .then((data) => data.setContactPostalConsent.postal),
    onSuccess: (postal) => {
      queryClient.setQueryData(contactsKey("postal", contactId), postal);
      // the header's chip and the ledger show the change too
      void queryClient.invalidateQueries({ queryKey: contactsKey("profile", contactId) });
      return queryClient.invalidateQueries({ queryKey: contactsKey("ledger", contactId) });
    },
  });
};

/** The admin records the person's agreement (with how they gave it) or their wish to stop. */
const PostalDialog = ({ contactId, change, onClose }: { contactId: string; change: "grant" | "withdraw"; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const notify = useNotify();
  const notifyError = useNotifyError();
  const setPostal = useSetPostal(contactId);
  const [evidence, setEvidence] = useState("");
  const [tried, setTried] = useState(false);
  const error = evidenceError(change, evidence);

  const submit = () => {
    setTried(true);
    if (error) return;
    setPostal.mutate(
      { granted: change === "grant", evidence },
      {
        onSuccess: () => {
          notify({ status: "success", title: t(`contacts.postal.${change}.done`) });
          onClose();
        },
        onError: (failure) => notifyError(t("contacts.postal.failed"), failure),
      },
    );
  };

  return (
    <ModalCard open title={t(`contacts.postal.${change}.title`)} onClose={onClose} cardTestId="postal-consent-dialog">
      <Text as="p" size={3}>
        {t(`contacts.postal.${change}.text`)}
      </Text>
      <Textarea
        label={t(`contacts.postal.${change}.evidence`)}
        value={evidence}
        onChange={(event) => setEvidence(event.target.value)}
        rows={3}
        error={tried && error !== null}
        helperText={tried && error ? t(`contacts.postal.evidence.${error}`, { max: EVIDENCE_MAX }) : undefined}
        data-testid="postal-consent-evidence"
      />
      <Box display="flex" justifyContent="flex-end" gap={3}>
        <Button variant="secondary" onClick={onClose} disabled={setPostal.isPending}>
          {t("shell.confirm.cancel")}
        </Button>
        <Button
          variant={change === "grant" ? "primary" : "error"}
          onClick={submit}
          disabled={setPostal.isPending}
          data-testid="postal-consent-submit"
        >
          {t(`contacts.postal.${change}.submit`)}
        </Button>
      </Box>
    </ModalCard>
  );
};

/** Cards by post: the consent beside the other channels', when and how it last changed, whether
 * a card has an address to go to, and the admin's way to record a change. */
export const ContactPostalConsent = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const query = usePostal(contactId);
  const [changing, setChanging] = useState(false);
  const postal = query.data;
  const change = postal ? postalChange(postal.consent) : "grant";
  const said = postal ? postalConsentSaid(postal) : null;
  return (
    <Section
      title={t("contacts.postal.title")}
      testId="contact-postal-consent"
      actions={
        postal && (
          <Button variant="secondary" onClick={() => setChanging(true)} data-testid="postal-consent-open">
            {t(`contacts.postal.${change}.open`)}
          </Button>
        )
      }
    >
      {query.isPending && <LoadingState label={t("contacts.postal.title")} />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {postal && said && (
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
          <Fact label={t("contacts.postal.consent")} testId="postal-consent-state">
            <Box>
              <ConsentChip consent={postal.consent} testId="postal-consent-chip" />
            </Box>
          </Fact>
          <Fact label={t("contacts.postal.changed")} testId="postal-consent-changed">
            <Text size={3} display="block" data-testid="postal-consent-said">
              {t(said.id, said.values)}
            </Text>
            {postal.changedAt && (
              <Text size={2} color="default2" display="block" data-testid="postal-consent-when">
                {formatDateTime(postal.changedAt, locale)}
              </Text>
            )}
          </Fact>
          <Fact label={t("contacts.postal.address")} testId="postal-consent-address">
            <Text size={3} display="block">
              {t(postal.hasAddress ? "contacts.postal.address.yes" : "contacts.postal.address.no")}
            </Text>
          </Fact>
        </Box>
      )}
      {changing && <PostalDialog contactId={contactId} change={change} onClose={() => setChanging(false)} />}
    </Section>
  );
};
