import { Box, Button, Text } from "@saleor/macaw-ui";
import { FormattedMessage, useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { formatDateTime } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { contactName, historyStays } from "./history";
import { useSegmentHistory } from "./use-segments";

const cell = cellStyle({ compact: true });
const HISTORY_COLUMNS = ["contact", "entered", "exited"] as const;

/** Who entered and left the segment, newest stay first, older ones on request. */
export const SegmentHistory = ({ segmentId }: { segmentId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const history = useSegmentHistory(segmentId);
  const stays = historyStays(history.data?.pages ?? []);

  return (
    <Section title={intl.formatMessage({ id: "segments.history.title" })} testId="segment-history">
      {history.isPending && <LoadingState label={intl.formatMessage({ id: "segments.history.loading" })} />}
      {history.isError && <ErrorState error={history.error} onRetry={() => void history.refetch()} />}
      {history.isSuccess && stays.length === 0 && (
        <Text size={3} color="default2" data-testid="segment-history-empty">
          {intl.formatMessage({ id: "segments.history.empty" })}
        </Text>
      )}
      {stays.length > 0 && (
        <Box display="flex" flexDirection="column" gap={3} aria-busy={history.isFetching}>
          <DataTable testId="segment-history-table" caption={<FormattedMessage id="segments.history.caption" />} columns={HISTORY_COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `segments.history.column.${column}` }) }))} compact>
            {stays.map((stay) => (
              <tr key={stay.id} data-testid="segment-history-row">
                <Box as="th" scope="row" textAlign="left" {...cell}>
                  <AppLink to={pathFor({ name: "contact", contactId: stay.contact.id })} data-testid="segment-history-contact">
                    <Text size={3}>{contactName(stay.contact) ?? intl.formatMessage({ id: "segments.anonymous" })}</Text>
                  </AppLink>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3}>{formatDateTime(stay.enteredAt, locale)}</Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3} color={stay.exitedAt ? "default1" : "default2"}>
                    {stay.exitedAt ? formatDateTime(stay.exitedAt, locale) : intl.formatMessage({ id: "segments.history.stillIn" })}
                  </Text>
                </Box>
              </tr>
            ))}
          </DataTable>
          {history.hasNextPage && (
            <Box>
              <Button variant="secondary" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage} data-testid="segment-history-more">
                {intl.formatMessage({ id: "segments.history.more" })}
              </Button>
            </Box>
          )}
        </Box>
      )}
    </Section>
  );
};
