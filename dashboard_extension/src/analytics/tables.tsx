import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { useIntl } from "react-intl";

import { formatNumber } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { amountsByCurrency, formatCurrency, formatRate, rate } from "./figures";
import type { Funnel } from "./types";

export const cell = { paddingY: 2, paddingX: 2, borderBottomStyle: "solid", borderBottomWidth: 1, borderColor: "default1" } as const;

/** Revenue per currency, one line each; "–" for none. */
export const Revenue = ({ revenue }: { revenue: Funnel["revenue"] }) => {
  const locale = useAppLocale();
  const amounts = [...amountsByCurrency(revenue)].filter(([, amount]) => amount !== 0).sort(([a], [b]) => a.localeCompare(b));
  if (amounts.length === 0) return <Text size={3}>–</Text>;
  return (
    <Box display="flex" flexDirection="column">
      {amounts.map(([currency, amount]) => (
        <Text key={currency} size={3} data-currency={currency}>
          {formatCurrency(amount, currency, locale)}
        </Text>
      ))}
    </Box>
  );
};

export type FunnelRow = { key: string; label: ReactNode; funnel: Funnel; actions?: ReactNode };

const COLUMNS = ["entered", "sent", "delivered", "opened", "clicked", "converted", "revenue"] as const;

/**
 * Rows of funnels (journeys, templates, versions, channels): counts, open and click rates of
 * sent, conversions and revenue per currency. `entered` only where the scope has runs.
 */
export const FunnelTable = ({
  caption,
  nameColumn,
  rows,
  withEntered = false,
  testId,
  empty,
}: {
  caption: string;
  nameColumn: string;
  rows: FunnelRow[];
  withEntered?: boolean;
  testId: string;
  empty: string;
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const columns = COLUMNS.filter((column) => withEntered || column !== "entered");
  const withActions = rows.some((row) => row.actions);
  const value = (funnel: Funnel, column: (typeof COLUMNS)[number]) => {
    switch (column) {
      case "revenue":
        return <Revenue revenue={funnel.revenue} />;
      case "opened":
      case "clicked":
        return (
          <Text size={3}>
            {formatNumber(funnel[column], locale)} <Text size={2} color="default2">({formatRate(rate(funnel[column], funnel.sent), locale)})</Text>
          </Text>
        );
      default:
        return <Text size={3}>{formatNumber(funnel[column], locale)}</Text>;
    }
  };
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Text as="h3" size={5} fontWeight="bold">
        {caption}
      </Text>
      {rows.length === 0 ? (
        <Text size={3} color="default2" data-testid={`${testId}-empty`}>
          {empty}
        </Text>
      ) : (
        <Box overflowX="auto">
          <Box as="table" width="100%" __borderCollapse="collapse" data-testid={testId}>
            <caption style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0,0,0,0)" }}>{caption}</caption>
            <thead>
              <tr>
                <Box as="th" textAlign="left" {...cell} scope="col">
                  <Text size={2} color="default2" fontWeight="medium">
                    {nameColumn}
                  </Text>
                </Box>
                {columns.map((column) => (
                  <Box as="th" key={column} textAlign="right" {...cell} scope="col">
                    <Text size={2} color="default2" fontWeight="medium">
                      {intl.formatMessage({ id: `analytics.funnel.${column}` })}
                    </Text>
                  </Box>
                ))}
                {withActions && (
                  <Box as="th" textAlign="left" {...cell} scope="col">
                    <Text size={2} color="default2" fontWeight="medium">
                      {intl.formatMessage({ id: "analytics.table.links" })}
                    </Text>
                  </Box>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-testid={`${testId}-row`} data-key={row.key}>
                  <Box as="th" scope="row" textAlign="left" {...cell}>
                    <Text size={3} fontWeight="medium">
                      {row.label}
                    </Text>
                  </Box>
                  {columns.map((column) => (
                    <Box as="td" key={column} textAlign="right" {...cell} data-column={column}>
                      {value(row.funnel, column)}
                    </Box>
                  ))}
                  {withActions && (
                    <Box as="td" {...cell}>
                      {row.actions}
                    </Box>
                  )}
                </tr>
              ))}
            </tbody>
          </Box>
        </Box>
      )}
    </Box>
  );
};

