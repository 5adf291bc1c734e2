import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { formatNumber } from "../lib/format";
import type { AppLocale } from "../lib/locale";
import { useAppLocale } from "../providers/locale-provider";
import {
  type CountChange,
  formatCurrency,
  formatPoints,
  formatRate,
  formatRelative,
  formatSigned,
  formatSignedCurrency,
  type RateChange,
  type Tone,
} from "./figures";
import type { KpiCard, KpiValue } from "./kpis";

const toneColor = { good: "success1", bad: "critical1", neutral: "default2" } as const;
const arrow = { up: "▲", down: "▼", flat: "■" } as const;

const ChangeText = ({ tone, direction, text, testId }: { tone: Tone; direction: "up" | "down" | "flat"; text: string; testId: string }) => {
  const intl = useIntl();
  return (
    <Text size={2} color={toneColor[tone]} data-testid={testId} data-tone={tone}>
      <span aria-hidden="true">{arrow[direction]} </span>
      {intl.formatMessage({ id: "analytics.change.vsPrevious" }, { change: text })}
    </Text>
  );
};

const countChangeText = (change: CountChange, locale: AppLocale, format: (id: string, values: Record<string, string>) => string) =>
  change.relative === null
    ? format("analytics.change.fromNone", { difference: formatSigned(change.difference, locale) })
    : format("analytics.change.count", { relative: formatRelative(change.relative, locale), difference: formatSigned(change.difference, locale) });

const rateChangeText = (change: RateChange, locale: AppLocale, format: (id: string, values: Record<string, string>) => string) =>
  format("analytics.change.points", { points: formatPoints(change.points, locale) });

const Value = ({ value }: { value: KpiValue }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const format = (id: string, values: Record<string, string>) => intl.formatMessage({ id }, values);
  const label = intl.formatMessage({ id: `analytics.kpi.${value.key}` });
  if (value.kind === "money") {
    return (
      <Box display="flex" flexDirection="column" gap={1} data-testid={`kpi-value-${value.key}`}>
        <Text size={2} color="default2">
          {label}
        </Text>
        {value.rows.length === 0 && <Text size={6}>{intl.formatMessage({ id: "analytics.kpi.noRevenue" })}</Text>}
        {value.rows.map((row) => (
          <Box key={row.currency} display="flex" flexDirection="column" data-testid="kpi-money" data-currency={row.currency}>
            <Text size={7} fontWeight="bold" data-testid="kpi-amount">
              {formatCurrency(row.amount, row.currency, locale)}
            </Text>
            {row.change && (
              <ChangeText
                tone={row.change.tone}
                direction={row.change.direction}
                testId="kpi-change"
                text={
                  row.change.relative === null
                    ? format("analytics.change.fromNone", { difference: formatSignedCurrency(row.change.difference, row.currency, locale) })
                    : format("analytics.change.count", {
                        relative: formatRelative(row.change.relative, locale),
                        difference: formatSignedCurrency(row.change.difference, row.currency, locale),
                      })
                }
              />
            )}
          </Box>
        ))}
      </Box>
    );
  }
  const shown = value.kind === "count" ? formatNumber(value.value, locale) : formatRate(value.value, locale, value.key === "complaintRate" || value.key === "bounceRate" ? 2 : 1);
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={`kpi-value-${value.key}`}>
      <Text size={2} color="default2">
        {label}
      </Text>
      <Text size={7} fontWeight="bold" data-testid="kpi-figure">
        {shown}
      </Text>
      {value.kind === "count" && value.change && (
        <ChangeText tone={value.change.tone} direction={value.change.direction} testId="kpi-change" text={countChangeText(value.change, locale, format)} />
      )}
      {value.kind === "rate" && value.change && (
        <ChangeText tone={value.change.tone} direction={value.change.direction} testId="kpi-change" text={rateChangeText(value.change, locale, format)} />
      )}
    </Box>
  );
};

/** The overview's KPI cards; the complaint rate's card turns critical at the line. */
export const KpiCards = ({ cards, complaintLine }: { cards: KpiCard[]; complaintLine: number }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <Box as="ul" display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(220px, 1fr))" alignItems="start" gap={4} padding={0} margin={0} data-testid="kpi-cards">
      {cards.map((card) => (
        <Box
          as="li"
          key={card.id}
          listStyleType="none"
          display="flex"
          flexDirection="column"
          gap={3}
          padding={5}
          borderStyle="solid"
          borderWidth={1}
          borderRadius={4}
          borderColor={card.warning ? "critical1" : "default1"}
          data-testid={`kpi-${card.id}`}
          data-warning={card.warning ? "true" : "false"}
        >
          <Text as="h3" size={4} fontWeight="bold">
            {intl.formatMessage({ id: `analytics.card.${card.id}` })}
          </Text>
          {card.values.map((value) => (
            <Value key={value.key} value={value} />
          ))}
          {card.id === "complaintRate" && (
            <Text size={2} color={card.warning ? "critical1" : "default2"} role={card.warning ? "alert" : undefined} data-testid="complaint-line">
              {intl.formatMessage(
                { id: card.warning ? "analytics.kpi.complaintWarning" : "analytics.kpi.complaintLine" },
                { line: formatRate(complaintLine, locale, 1) },
              )}
            </Text>
          )}
        </Box>
      ))}
    </Box>
  );
};
