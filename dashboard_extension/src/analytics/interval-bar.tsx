import { Box, Text, vars } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { intervalGeometry } from "./verdicts";

/**
 * A difference with its 95% interval, drawn around zero: the interval as a bar, the estimate as
 * a mark, zero as a line. The numbers are in the text beside it; the drawing repeats them.
 */
export const IntervalBar = ({ point, low, high, text, testId }: { point: number | null; low: number | null; high: number | null; text: string; testId?: string }) => {
  const intl = useIntl();
  const geometry = intervalGeometry(point, low, high);
  return (
    <Box display="flex" alignItems="center" gap={3} data-testid={testId}>
      {geometry && (
        <Box
          position="relative"
          __width="160px"
          __height="16px"
          flexShrink="0"
          role="img"
          aria-label={intl.formatMessage({ id: "analytics.interval.label" }, { text })}
          data-excludes-zero={geometry.excludesZero ? "true" : "false"}
        >
          <Box position="absolute" __top="7px" __left="0" __right="0" __height="2px" backgroundColor="default2" />
          <Box
            position="absolute"
            __top="3px"
            __height="10px"
            __left={`${geometry.left}%`}
            __width={`${Math.max(geometry.width, 1)}%`}
            borderRadius={2}
            __backgroundColor={geometry.excludesZero ? vars.colors.text.success1 : vars.colors.text.default2}
            __opacity="0.6"
          />
          <Box position="absolute" __top="0" __height="16px" __width="2px" __left={`${geometry.zero}%`} __backgroundColor={vars.colors.text.default1} />
          <Box position="absolute" __top="2px" __height="12px" __width="4px" __left={`calc(${geometry.point}% - 2px)`} __backgroundColor={vars.colors.text.accent1} />
        </Box>
      )}
      <Text size={3}>{text}</Text>
    </Box>
  );
};
