import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { SaleorLink } from "../components/saleor-link";
import { formatDate, formatDateTime, formatMoney, formatNumber } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { rfmLabel, sortedSpend } from "../widgets/customer-widget";
import { creditViaMessageId, predictionBasis } from "./profile";
import { Fact, Section } from "../components/section";
import type { ContactProfile } from "./use-contacts";

const Prediction = ({ contact }: { contact: ContactProfile }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const basis = predictionBasis(contact.predictionBasis);
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Text size={4} fontWeight="medium">
        {contact.predictedNextOrderAt ? formatDate(contact.predictedNextOrderAt, locale) : intl.formatMessage({ id: "contacts.prediction.none" })}
      </Text>
      <Text size={2} color="default2" data-testid="prediction-basis">
        {basis.kind === "median" &&
          intl.formatMessage(
            { id: "contacts.prediction.median" },
            {
              orders: basis.orders,
              median: intl.formatNumber(basis.medianGapDays, { maximumFractionDigits: 1 }),
              gaps: basis.gapsDays.map((gap) => intl.formatNumber(gap, { maximumFractionDigits: 1 })).join(", "),
            },
          )}
        {basis.kind === "tooFew" && intl.formatMessage({ id: "contacts.prediction.tooFew" }, { orders: basis.orders })}
      </Text>
    </Box>
  );
};

/** Orders, spend per currency (never added up), RFM, engagement and the predicted next order. */
export const ContactFigures = ({ contact }: { contact: ContactProfile }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const spend = sortedSpend(contact.spend);
  const t = (id: string) => intl.formatMessage({ id });
  return (
    <Section title={t("contacts.figures.title")} testId="contact-figures">
      <Box display="grid" gap={5} __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))">
        <Fact label={t("contacts.figures.orders")} testId="figure-orders">
          <Text size={4} fontWeight="medium">
            {formatNumber(contact.ordersCount, locale)}
          </Text>
        </Fact>
        <Fact label={t("contacts.figures.spend")} testId="figure-spend">
          {spend.length === 0 ? (
            <Text size={3}>{t("contacts.figures.spend.none")}</Text>
          ) : (
            <Box as="ul" margin={0} paddingLeft={0} listStyleType="none">
              {spend.map((entry) => (
                <Box as="li" key={entry.currency} data-testid="spend-entry" data-currency={entry.currency}>
                  <Text size={3}>
                    {intl.formatMessage(
                      { id: "contacts.figures.spend.entry" },
                      {
                        total: formatMoney(entry.total, entry.currency, locale),
                        orders: entry.orders,
                        average: formatMoney(entry.averageOrderValue, entry.currency, locale),
                      },
                    )}
                  </Text>
                </Box>
              ))}
            </Box>
          )}
        </Fact>
        <Fact label={t("contacts.figures.rfm")} testId="figure-rfm">
          <Text size={4} fontWeight="medium">
            {rfmLabel(contact.rfm) ?? t("contacts.figures.rfm.none")}
          </Text>
        </Fact>
        <Fact label={t("contacts.figures.prediction")} testId="figure-prediction">
          <Prediction contact={contact} />
        </Fact>
        <Fact label={t("contacts.figures.firstOrder")} testId="figure-first-order">
          <Text size={3}>{contact.firstOrderAt ? formatDate(contact.firstOrderAt, locale) : "–"}</Text>
        </Fact>
        <Fact label={t("contacts.figures.engagement")} testId="figure-engagement">
          <Text size={3}>
            {intl.formatMessage(
              { id: "contacts.figures.engagement.value" },
              { opens: contact.emailOpens30d, clicks: contact.emailClicks30d },
            )}
          </Text>
          <Text as="p" size={2} color="default2">
            {contact.lastEngagementAt
              ? intl.formatMessage({ id: "contacts.figures.engagement.last" }, { at: formatDateTime(contact.lastEngagementAt, locale) })
              : t("contacts.figures.engagement.never")}
          </Text>
        </Fact>
        <Fact label={t("contacts.figures.categories")} testId="figure-categories">
          <Text size={3}>{contact.favouriteCategories.length ? contact.favouriteCategories.join(", ") : "–"}</Text>
        </Fact>
      </Box>
    </Section>
  );
};

/** The last order and the message credited with it (analytics' attribution). */
export const LastOrder = ({ order }: { order: ContactProfile["lastOrder"] }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const credit = order?.creditedTo ?? null;
  const via = credit ? creditViaMessageId(credit.via) : null;
  return (
    <Section title={intl.formatMessage({ id: "contacts.lastOrder.title" })} testId="contact-last-order">
      {order === null ? (
        <Text size={3}>{intl.formatMessage({ id: "contacts.lastOrder.none" })}</Text>
      ) : (
        <Box display="flex" flexDirection="column" gap={2}>
          <Text size={4}>
            <SaleorLink page={{ kind: "order", id: order.saleorId }} testId="last-order-link">
              {intl.formatMessage({ id: "contacts.lastOrder.number" }, { number: order.number })}
            </SaleorLink>{" "}
            {intl.formatMessage(
              { id: "contacts.lastOrder.detail" },
              {
                total: formatMoney(order.total, order.currency, locale),
                at: formatDateTime(order.placedAt, locale),
                channel: order.channel,
                status: order.status,
              },
            )}
          </Text>
          <Text size={3} data-testid="last-order-credit">
            {credit
              ? intl.formatMessage(
                  { id: "contacts.lastOrder.credited" },
                  {
                    template: credit.template ?? intl.formatMessage({ id: "contacts.lastOrder.unnamedTemplate" }),
                    journey: credit.journey ?? "",
                    hasJourney: credit.journey ? "yes" : "no",
                    via: via ? intl.formatMessage({ id: via }) : credit.via,
                    at: formatDateTime(credit.touchedAt, locale),
                  },
                )
              : intl.formatMessage({ id: "contacts.lastOrder.notCredited" })}
          </Text>
        </Box>
      )}
    </Section>
  );
};

/** The segments the contact is in now, then those it left. */
export const Memberships = ({
  memberships,
  segments,
}: {
  memberships: ContactProfile["segmentMemberships"];
  segments: { id: string; name: string }[];
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const names = new Map(segments.map((segment) => [segment.id, segment.name]));
  const sorted = [...memberships].sort((a, b) => Number(a.exitedAt !== null) - Number(b.exitedAt !== null));
  return (
    <Section title={intl.formatMessage({ id: "contacts.segments.title" })} testId="contact-segments">
      {sorted.length === 0 ? (
        <Text size={3}>{intl.formatMessage({ id: "contacts.segments.none" })}</Text>
      ) : (
        <Box as="ul" margin={0} paddingLeft={0} listStyleType="none" display="flex" flexDirection="column" gap={2}>
          {sorted.map((membership) => (
            <Box as="li" key={membership.id} data-testid="segment-membership" data-current={membership.exitedAt === null}>
              <Text size={3} fontWeight={membership.exitedAt === null ? "medium" : "regular"}>
                {names.get(membership.segmentId) ?? intl.formatMessage({ id: "contacts.segments.unknown" })}
              </Text>{" "}
              <Text size={2} color="default2">
                {membership.exitedAt === null
                  ? intl.formatMessage({ id: "contacts.segments.since" }, { at: formatDate(membership.enteredAt, locale) })
                  : intl.formatMessage(
                      { id: "contacts.segments.was" },
                      { from: formatDate(membership.enteredAt, locale), to: formatDate(membership.exitedAt, locale) },
                    )}
              </Text>
            </Box>
          ))}
        </Box>
      )}
    </Section>
  );
};
