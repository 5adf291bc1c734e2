/** The analytics charts (recharts, only in the analytics pages' lazily loaded chunks). */
import { Box, Text, vars } from "@saleor/macaw-ui";
import { useId } from "react";
import { useIntl } from "react-intl";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatNumber, intlLocale } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { formatCurrency, formatRate } from "./figures";
import { ACTIVITY_KEYS, activitySeries, axisDay, funnelSteps, revenueSeries } from "./series";
import type { Funnel, FunnelDay } from "./types";

const SERIES_COLORS = {
  sent: vars.colors.text.default2,
  opened: vars.colors.text.info1,
  clicked: vars.colors.text.warning1,
  converted: vars.colors.text.success1,
  delivered: vars.colors.text.default2,
} as const;

const axis = { fill: vars.colors.text.default2, fontSize: 12 };
const tooltipStyle = { backgroundColor: vars.colors.background.default1, borderColor: vars.colors.border.default1, color: vars.colors.text.default1 };

/** A chart with its heading and a sentence for screen readers (the numbers are in the tables). */
const Figure = ({ title, description, children, testId }: { title: string; description: string; children: React.ReactNode; testId: string }) => {
  const id = useId();
  return (
    <Box as="figure" margin={0} display="flex" flexDirection="column" gap={2} aria-labelledby={id} data-testid={testId}>
      <Text as="h3" size={5} fontWeight="bold" id={id}>
        {title}
      </Text>
      <Box role="img" aria-label={description} __height="260px">
        {children}
      </Box>
    </Box>
  );
};

/** Per day: sent, opened, clicked, converted. */
export const ActivityChart = ({ days }: { days: FunnelDay[] }) => {
  const intl = useIntl();
  const locale = intlLocale(useAppLocale());
  const data = activitySeries(days);
  const name = (key: string) => intl.formatMessage({ id: `analytics.funnel.${key}` });
  return (
    <Figure
      testId="activity-chart"
      title={intl.formatMessage({ id: "analytics.chart.activity" })}
      description={intl.formatMessage({ id: "analytics.chart.activityDescription" }, { days: data.length })}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={vars.colors.border.default1} strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={(day: string) => axisDay(day, locale)} tick={axis} minTickGap={16} />
          <YAxis allowDecimals={false} tick={axis} width={48} tickFormatter={(value: number) => new Intl.NumberFormat(locale).format(value)} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(day) => axisDay(String(day), locale)} />
          <Legend itemSorter={null} />
          {ACTIVITY_KEYS.map((key) => (
            <Line key={key} type="linear" dataKey={key} name={name(key)} stroke={SERIES_COLORS[key]} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Figure>
  );
};

/** Revenue per day, one chart per currency (amounts of different currencies never share an axis). */
export const RevenueCharts = ({ days }: { days: FunnelDay[] }) => {
  const intl = useIntl();
  const appLocale = useAppLocale();
  const locale = intlLocale(appLocale);
  const series = revenueSeries(days);
  if (series.length === 0) {
    return (
      <Text size={3} color="default2" data-testid="revenue-none">
        {intl.formatMessage({ id: "analytics.chart.noRevenue" })}
      </Text>
    );
  }
  return (
    <Box display="grid" __gridTemplateColumns="repeat(auto-fit, minmax(320px, 1fr))" gap={4}>
      {series.map(({ currency, total, points }) => (
        <Figure
          key={currency}
          testId={`revenue-chart-${currency}`}
          title={intl.formatMessage({ id: "analytics.chart.revenue" }, { currency, total: formatCurrency(total, currency, appLocale) })}
          description={intl.formatMessage({ id: "analytics.chart.revenueDescription" }, { currency, total: formatCurrency(total, currency, appLocale) })}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={vars.colors.border.default1} strokeDasharray="3 3" />
              <XAxis dataKey="day" tickFormatter={(day: string) => axisDay(day, locale)} tick={axis} minTickGap={16} />
              <YAxis tick={axis} width={72} tickFormatter={(value: number) => formatCurrency(value, currency, appLocale)} />
              <Tooltip
                contentStyle={tooltipStyle}
                labelFormatter={(day) => axisDay(String(day), locale)}
                formatter={(value) => formatCurrency(Number(value), currency, appLocale)}
              />
              <Bar dataKey="amount" name={currency} fill={SERIES_COLORS.converted} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Figure>
      ))}
    </Box>
  );
};

/** Sent -> (delivered) -> opened -> clicked -> converted, as bars with their share of sent. */
export const FunnelChart = ({ funnel }: { funnel: Funnel }) => {
  const intl = useIntl();
  const appLocale = useAppLocale();
  const { steps, deliveryReports } = funnelSteps(funnel);
  const label = (step: (typeof steps)[number]) =>
    step.key === "sent" ? formatNumber(step.value, appLocale) : `${formatNumber(step.value, appLocale)} (${formatRate(step.ofSent, appLocale)})`;
  const data = steps.map((step) => ({ ...step, name: intl.formatMessage({ id: `analytics.funnel.${step.key}` }), text: label(step) }));
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Figure
        testId="funnel-chart"
        title={intl.formatMessage({ id: "analytics.chart.funnel" })}
        description={data.map((step) => `${step.name}: ${step.text}`).join(", ")}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 8, right: 120, bottom: 0, left: 8 }}>
            <XAxis type="number" hide allowDecimals={false} />
            <YAxis type="category" dataKey="name" tick={axis} width={96} />
            <Bar dataKey="value" isAnimationActive={false}>
              {data.map((step) => (
                <Cell key={step.key} fill={SERIES_COLORS[step.key]} />
              ))}
              <LabelList dataKey="text" position="right" fill={vars.colors.text.default1} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Figure>
      <Box as="ol" display="flex" flexWrap="wrap" gap={4} padding={0} margin={0} data-testid="funnel-steps">
        {data.map((step) => (
          <Box as="li" key={step.key} listStyleType="none" data-testid={`funnel-${step.key}`}>
            <Text size={3}>
              {step.name}: <strong>{step.text}</strong>
            </Text>
          </Box>
        ))}
      </Box>
      {!deliveryReports && (
        <Text size={2} color="default2" data-testid="funnel-no-delivery">
          {intl.formatMessage({ id: "analytics.funnel.noDeliveryReports" })}
        </Text>
      )}
    </Box>
  );
};
