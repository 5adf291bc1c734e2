import { useAppBridge, useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { Box, Chip, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useRef } from "react";
import { FormattedMessage } from "react-intl";
import { useLocation } from "react-router-dom";

import { ErrorState } from "../components/error-state";
import { ProfileLink } from "../contacts/profile-link";
import { LoadingState } from "../components/loading-state";
import { SaleorLink } from "../components/saleor-link";
import { formatDateTime, formatMoney, formatNumber } from "../lib/format";
import { useGraphQLClient } from "../providers/data-provider";
import { useAppLocale } from "../providers/locale-provider";
import {
  consentMessageId,
  consentTone,
  customerIdFrom,
  rfmLabel,
  sortedSpend,
  stageMessageId,
  type WidgetContact,
} from "./customer-widget";
import { CUSTOMER_WIDGET_QUERY } from "./customer-widget.documents";

const toneColors = {
  success: { backgroundColor: "success1", borderColor: "success1" },
  warning: { backgroundColor: "warning1", borderColor: "warning1" },
  critical: { backgroundColor: "critical1", borderColor: "critical1" },
  neutral: { backgroundColor: "default1", borderColor: "default1" },
} as const;

const Fact = ({ label, children, testId }: { label: ReactNode; children: ReactNode; testId: string }) => (
  <Box display="flex" flexDirection="column" gap={1} data-testid={testId}>
    <Text as="h3" size={2} color="default2" fontWeight="medium">
      {label}
    </Text>
    <Box>{children}</Box>
  </Box>
);

const Contact = ({ contact }: { contact: WidgetContact }) => {
  const locale = useAppLocale();
  const rfm = rfmLabel(contact.rfm);
  const spend = sortedSpend(contact.spend);

  return (
    <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fill, minmax(180px, 1fr))">
      <Fact label={<FormattedMessage id="widget.stage" />} testId="widget-lifecycle">
        <Text size={4} fontWeight="bold" data-stage={contact.lifecycleStage}>
          <FormattedMessage id={stageMessageId(contact.lifecycleStage)} />
        </Text>
      </Fact>
      <Fact label={<FormattedMessage id="widget.rfm" />} testId="widget-rfm">
        <Text size={4}>{rfm ?? <FormattedMessage id="widget.rfm.none" />}</Text>
      </Fact>
      <Fact label={<FormattedMessage id="widget.spend" />} testId="widget-spend">
        {spend.length === 0 ? (
          <Text size={3}>
            <FormattedMessage id="widget.spend.none" />
          </Text>
        ) : (
          <Box as="ul" margin={0} paddingLeft={0} listStyleType="none">
            {spend.map((entry) => (
              <Box as="li" key={entry.currency}>
                <Text size={3}>
                  <FormattedMessage
                    id="widget.spend.entry"
                    values={{
                      total: formatMoney(entry.total, entry.currency, locale),
                      orders: entry.orders,
                      average: formatMoney(entry.averageOrderValue, entry.currency, locale),
                    }}
                  />
                </Text>
              </Box>
            ))}
          </Box>
        )}
      </Fact>
      <Fact label={<FormattedMessage id="widget.lastOrder" />} testId="widget-last-order">
        {contact.lastOrder ? (
          <Text size={3}>
            <SaleorLink page={{ kind: "order", id: contact.lastOrder.saleorId }} testId="widget-last-order-link">
              <FormattedMessage id="widget.lastOrder.number" values={{ number: contact.lastOrder.number }} />
            </SaleorLink>{" "}
            <FormattedMessage
              id="widget.lastOrder.detail"
              values={{
                total: formatMoney(contact.lastOrder.total, contact.lastOrder.currency, locale),
                at: formatDateTime(contact.lastOrder.placedAt, locale),
              }}
            />
          </Text>
        ) : (
          <Text size={3}>
            <FormattedMessage id="widget.lastOrder.none" />
          </Text>
        )}
      </Fact>
      <Fact label={<FormattedMessage id="widget.lastEngagement" />} testId="widget-last-engagement">
        <Text size={3}>
          {contact.lastEngagementAt ? (
            formatDateTime(contact.lastEngagementAt, locale)
          ) : (
            <FormattedMessage id="widget.lastEngagement.none" />
          )}
        </Text>
      </Fact>
      <Fact label={<FormattedMessage id="widget.journeys" />} testId="widget-journeys">
        {contact.activeJourneys.length === 0 ? (
          <Text size={3}>
            <FormattedMessage id="widget.journeys.none" />
          </Text>
        ) : (
          <Box as="ul" margin={0} paddingLeft={0} listStyleType="none">
            {contact.activeJourneys.map((run) => (
              <Box as="li" key={run.id}>
                <Text size={3}>
                  <FormattedMessage
                    id="widget.journeys.entry"
                    values={{ name: run.journey.name, node: run.node, at: formatDateTime(run.enteredAt, locale) }}
                  />
                </Text>
              </Box>
            ))}
          </Box>
        )}
      </Fact>
      <Fact label={<FormattedMessage id="widget.consents" />} testId="widget-consents">
        <Box display="flex" gap={2} flexWrap="wrap">
          {(
            [
              ["email", contact.emailConsent],
              ["sms", contact.smsConsent],
              ["push", contact.pushConsent],
            ] as const
          ).map(([channel, consent]) => (
            <Chip key={channel} size="large" {...toneColors[consentTone(consent)]} data-testid={`widget-consent-${channel}`} data-consent={consent}>
              <Text size={2}>
                <FormattedMessage id={`widget.channel.${channel}`} />
                {": "}
                <FormattedMessage id={consentMessageId(consent)} />
              </Text>
            </Chip>
          ))}
        </Box>
      </Fact>
      <Fact label={<FormattedMessage id="widget.contactId" />} testId="widget-contact-id">
        <Text size={2} fontFamily="Geist Mono" wordBreak="break-all">
          {contact.id}
        </Text>
      </Fact>
      <Fact label={<FormattedMessage id="widget.orders" />} testId="widget-orders">
        <Text size={3}>{formatNumber(contact.ordersCount, locale)}</Text>
      </Fact>
    </Box>
  );
};

const WidgetBody = ({ customerId }: { customerId: string }) => {
  const client = useGraphQLClient();
  const query = useQuery({
    queryKey: ["contactBySaleorUser", customerId],
    queryFn: ({ signal }) =>
      client
        .request<{ contactBySaleorUser: WidgetContact | null }>(
          CUSTOMER_WIDGET_QUERY,
          { saleorUserId: customerId },
          { signal },
        )
        .then((data) => data.contactBySaleorUser),
  });

  if (query.isPending) {
    return <LoadingState label={<FormattedMessage id="widget.loading" />} />;
  }

  if (query.isError) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }

  if (query.data === null) {
    return (
      <Box display="flex" flexDirection="column" gap={2} data-testid="widget-unknown">
        <Text as="h2" size={5} fontWeight="bold">
          <FormattedMessage id="widget.unknown.title" />
        </Text>
        <Text size={3} color="default2">
          <FormattedMessage id="widget.unknown.text" />
        </Text>
      </Box>
    );
  }

  return (
    <>
      <Contact contact={query.data} />
      <ProfileLink contactId={query.data.id} />
    </>
  );
};

/**
 * The CUSTOMER_DETAILS_WIDGETS widget. It tells the Dashboard its height (App Bridge
 * widgetResize, measured by a ResizeObserver on its root) whenever its content changes.
 */
export const CustomerWidgetView = () => {
  const rootRef = useRef<HTMLDivElement>(null);
  const { appBridge } = useAppBridge();
  const customerId = customerIdFrom(useLocation().search);

  useWidgetAutoResize(rootRef, appBridge !== undefined);

  return (
    <Box ref={rootRef} display="flex" flexDirection="column" gap={4} padding={4} data-testid="customer-widget">
      <Text as="h1" size={6} fontWeight="bold">
        <FormattedMessage id="widget.title" />
      </Text>
      {customerId ? (
        <WidgetBody customerId={customerId} />
      ) : (
        <Text size={3} data-testid="widget-no-customer">
          <FormattedMessage id="widget.noCustomer" />
        </Text>
      )}
    </Box>
  );
};
