/** A survey's answers per rating as a bar chart (recharts, as the analytics screens); on a 0-10
 * survey the bars are coloured by NPS group. */
import { Box, Text, vars } from "@saleor/macaw-ui";
import { useId } from "react";
import { useIntl } from "react-intl";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { intlLocale } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { barsOf, type NpsGroup, type RatingCount } from "./results";

const GROUP_COLORS: Record<NpsGroup, string> = {
  promoter: vars.colors.text.success1,
  passive: vars.colors.text.warning1,
  detractor: vars.colors.text.critical1,
};
const axis = { fill: vars.colors.text.default2, fontSize: 12 };
const tooltipStyle = { backgroundColor: vars.colors.background.default1, borderColor: vars.colors.border.default1, color: vars.colors.text.default1 };

export const SurveyChart = ({ counts, nps }: { counts: RatingCount[]; nps: boolean }) => {
  const intl = useIntl();
  const locale = intlLocale(useAppLocale());
  const id = useId();
  const bars = barsOf(counts, nps);
  const answers = intl.formatMessage({ id: "programmes.results.answers" });
  return (
    <Box as="figure" margin={0} display="flex" flexDirection="column" gap={2} aria-labelledby={id} data-testid="survey-chart">
      <Text as="h3" size={5} fontWeight="bold" id={id}>
        {intl.formatMessage({ id: "programmes.results.chart" })}
      </Text>
      <Box role="img" aria-label={bars.map((bar) => `${bar.rating}: ${bar.answers}`).join(", ")} __height="240px">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} margin={{ top: 20, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={vars.colors.border.default1} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="rating" tick={axis} />
            <YAxis allowDecimals={false} tick={axis} width={40} tickFormatter={(value: number) => new Intl.NumberFormat(locale).format(value)} />
            <Tooltip contentStyle={tooltipStyle} cursor={{ fill: vars.colors.background.default2 }} />
            <Bar dataKey="answers" name={answers} isAnimationActive={false}>
              {bars.map((bar) => (
                <Cell key={bar.rating} fill={bar.group ? GROUP_COLORS[bar.group] : vars.colors.text.info1} />
              ))}
              <LabelList dataKey="answers" position="top" fill={vars.colors.text.default1} fontSize={12} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
};
