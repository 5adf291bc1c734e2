/** A segment's members over the last 30 days as a small line (recharts), its change beside it. */
import { Box, Text, vars } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";
import { Line, LineChart, YAxis } from "recharts";

import { formatNumber } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { formatChange, type TrendPoint, type TrendSummary } from "./trend";

const COLORS = { up: vars.colors.text.success1, down: vars.colors.text.critical1, flat: vars.colors.text.default2 } as const;

export const TrendSparkline = ({ points, summary }: { points: TrendPoint[]; summary: TrendSummary | null }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  if (!summary) return <Text size={3}>–</Text>;
  const description = intl.formatMessage(
    { id: "segments.trend.description" },
    { days: points.length, first: formatNumber(summary.first, locale), last: formatNumber(summary.last, locale) },
  );
  return (
    <Box display="flex" alignItems="center" gap={3} data-testid="segment-trend" data-change={summary.change}>
      <Box role="img" aria-label={description} __width="120px" __height="32px">
        <LineChart width={120} height={32} data={points} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <YAxis hide domain={["dataMin", "dataMax"]} />
          <Line type="monotone" dataKey="members" stroke={COLORS[summary.direction]} strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </Box>
      <Text size={3} fontWeight="medium" data-testid="segment-trend-change" style={{ color: COLORS[summary.direction] }}>
        {formatChange(summary.change, locale)}
      </Text>
    </Box>
  );
};
