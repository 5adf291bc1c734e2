import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { Fact, Section } from "../components/section";
import { formatDate, formatMoney } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { predictionsView, type ContactPredictions } from "./predictions";

/** Predicted value (BG/NBD, Gamma-Gamma): the scores with their inputs, or why there are none. */
export const ContactPredictionsSection = ({ predictions }: { predictions: ContactPredictions }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const view = predictionsView(predictions);
  return (
    <Section title={t("contacts.predictions.title")} testId="contact-predictions">
      {view.kind === "notComputed" && <Text size={3}>{t("contacts.predictions.notComputed")}</Text>}
      {view.kind === "noPurchase" && <Text size={3}>{t("contacts.predictions.noPurchase")}</Text>}
      {view.kind === "notEnoughData" && (
        <Box display="flex" flexDirection="column" gap={1} data-testid="predictions-not-enough">
          <Text size={3}>{t("contacts.predictions.notEnough")}</Text>
          {(["buyers", "repeatBuyers", "days"] as const).map((need) => {
            const counts = view.shortfall[need];
            return counts ? (
              <Text key={need} size={2} color="default2">
                {t(`contacts.predictions.need.${need}`, { have: counts[0], need: counts[1] })}
              </Text>
            ) : null;
          })}
        </Box>
      )}
      {view.kind === "scored" && (
        <Box display="grid" gap={5} __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))">
          <Fact label={t("contacts.predictions.active")} testId="prediction-active">
            <Text size={4} fontWeight="medium">{`${view.activePercent} %`}</Text>
          </Fact>
          <Fact label={t("contacts.predictions.orders")} testId="prediction-orders">
            <Text size={4} fontWeight="medium">{intl.formatNumber(view.expectedOrders)}</Text>
          </Fact>
          <Fact label={t("contacts.predictions.next")} testId="prediction-next">
            <Text size={4} fontWeight="medium">
              {view.nextOrderAt ? formatDate(view.nextOrderAt, locale) : t("contacts.predictions.next.none")}
            </Text>
          </Fact>
          <Fact label={t("contacts.predictions.value")} testId="prediction-value">
            {view.values.map((value) => (
              <Text as="p" size={3} key={value.currency} data-testid="prediction-value-entry">
                {value.clv12m === null
                  ? t("contacts.predictions.value.none", { currency: value.currency, average: formatMoney(value.averageOrderValue, value.currency, locale) })
                  : t("contacts.predictions.value.entry", {
                      clv: formatMoney(value.clv12m, value.currency, locale),
                      order: formatMoney(value.expectedOrderValue ?? value.averageOrderValue, value.currency, locale),
                    })}
              </Text>
            ))}
          </Fact>
          <Fact label={t("contacts.predictions.inputs")} testId="prediction-inputs">
            <Text size={2} color="default2">
              {t("contacts.predictions.inputs.value", view.inputs)}
            </Text>
            <Text as="p" size={2} color="default2">
              {t("contacts.predictions.fit", { params: view.params, at: formatDate(view.fittedAt, locale) })}
            </Text>
          </Fact>
        </Box>
      )}
    </Section>
  );
};
