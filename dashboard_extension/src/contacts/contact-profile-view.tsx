import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { SaleorLink } from "../components/saleor-link";
import { StatusCard } from "../components/status-card";
import { formatDate } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { ContactActions } from "./contact-actions";
import { ContactConsentLedger } from "./contact-consent-ledger";
import { ContactPostalConsent } from "./contact-postal-consent";
import { ContactFigures, LastOrder, Memberships } from "./contact-figures";
import { ContactChannelPreference } from "./contact-channel-preference";
import { ContactSendTime } from "./contact-send-time";
import { ContactPredictionsSection } from "./contact-predictions";
import { ContactRecommendations } from "./contact-recommendations";
import { ContactRuns } from "./contact-runs";
import { ContactTimeline } from "./contact-timeline";
import { ConsentChip, StageText } from "./consent-chip";
import { displayName } from "./profile";
import { type ContactProfile, useContact } from "./use-contacts";

const BackLink = () => {
  const intl = useIntl();
  return (
    <AppLink to={pathFor({ name: "contacts" })} data-testid="contacts-back">
      <Text size={3}>{intl.formatMessage({ id: "contacts.back" })}</Text>
    </AppLink>
  );
};

const Header = ({ contact, name }: { contact: ContactProfile; name: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const place = [contact.city, contact.country].filter(Boolean).join(", ");
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="contact-header">
      <PageTitle actions={<ContactActions contact={contact} name={name} />}>{name}</PageTitle>
      <Box display="flex" gap={4} alignItems="center" flexWrap="wrap">
        {contact.email && (
          <Text size={4} data-testid="contact-email">
            {contact.email}
          </Text>
        )}
        <Box display="flex" gap={1} alignItems="baseline">
          <Text size={3} color="default2">
            {intl.formatMessage({ id: "contacts.stage" })}:
          </Text>
          <StageText stage={contact.lifecycleStage} />
        </Box>
        {(["email", "sms", "push", "postal"] as const).map((channel) => (
          <ConsentChip
            key={channel}
            channel={channel}
            consent={{ email: contact.emailConsent, sms: contact.smsConsent, push: contact.pushConsent, postal: contact.postal.consent }[channel]}
            testId={`contact-consent-${channel}`}
          />
        ))}
      </Box>
      <Text size={3} color="default2">
        {[
          place,
          contact.languageCode && intl.formatMessage({ id: "contacts.language" }, { code: contact.languageCode }),
          contact.timeZone,
          intl.formatMessage({ id: "contacts.since" }, { at: formatDate(contact.createdAt, locale) }),
        ]
          .filter(Boolean)
          .join(" · ")}
      </Text>
      <Text size={3}>
        {contact.saleorUserId ? (
          <SaleorLink page={{ kind: "customer", id: contact.saleorUserId }} testId="saleor-customer-link">
            {intl.formatMessage({ id: "contacts.openInSaleor" })}
          </SaleorLink>
        ) : (
          intl.formatMessage({ id: "contacts.noSaleorCustomer" })
        )}
      </Text>
    </Box>
  );
};

/** `/contacts/:contactId`: the profile, its figures, runs and timeline, and its actions. */
export const ContactProfileView = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const query = useContact(contactId);

  if (query.isPending) {
    return (
      <>
        <BackLink />
        <LoadingState label={intl.formatMessage({ id: "contacts.profile.loading" })} />
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <BackLink />
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const contact = query.data.contact;
  if (!contact) {
    return (
      <>
        <BackLink />
        <StatusCard testId="contact-missing">
          <Text as="h1" size={7} fontWeight="bold">
            {intl.formatMessage({ id: "contacts.profile.missing" })}
          </Text>
          <Text size={3}>{intl.formatMessage({ id: "contacts.profile.missing.text" })}</Text>
        </StatusCard>
      </>
    );
  }
  const name = displayName(contact) ?? intl.formatMessage({ id: "contacts.anonymous" });
  return (
    <>
      <BackLink />
      <Header contact={contact} name={name} />
      <ContactFigures contact={contact} />
      <ContactPredictionsSection predictions={contact.predictions} />
      <ContactChannelPreference contactId={contact.id} />
      <ContactSendTime contactId={contact.id} />
      <Box display="grid" gap={6} __gridTemplateColumns="repeat(auto-fit, minmax(320px, 1fr))">
        <LastOrder order={contact.lastOrder} />
        <Memberships memberships={contact.segmentMemberships} segments={query.data.segments} />
      </Box>
      <ContactRecommendations contactId={contact.id} lastOrderChannel={contact.lastOrder?.channel ?? null} />
      <ContactRuns contactId={contact.id} />
      <ContactPostalConsent contactId={contact.id} />
      <ContactConsentLedger contactId={contact.id} />
      <ContactTimeline contactId={contact.id} />
    </>
  );
};
