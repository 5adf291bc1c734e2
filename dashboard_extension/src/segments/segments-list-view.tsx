import { Box, Button, Checkbox, Chip, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { type SegmentRow, segmentRows, statusMessageId } from "./list";
import { TrendSparkline } from "./trend-sparkline";
import { useSegmentList } from "./use-segments";

const cell = cellStyle({ align: "middle" });
const COLUMNS = ["name", "key", "members", "trend", "status"] as const;

const SegmentTable = ({ rows }: { rows: SegmentRow[] }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <DataTable testId="segments-table" caption={<FormattedMessage id="segments.list.caption" />} columns={COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `segments.list.column.${column}` }) }))} align="middle">
      {rows.map((segment) => (
        <tr key={segment.id} data-testid="segment-row" data-segment-key={segment.key}>
          <Box as="th" scope="row" textAlign="left" {...cell}>
            <Box display="flex" flexDirection="column" gap={1}>
              <Box display="flex" alignItems="center" gap={2}>
                <AppLink to={pathFor({ name: "segment", segmentId: segment.id })} data-testid="segment-link">
                  <Text size={4} fontWeight="medium">
                    {segment.name}
                  </Text>
                </AppLink>
                {segment.isBuiltin && (
                  <Chip size="small" data-testid="segment-builtin">
                    <Text size={1}>{intl.formatMessage({ id: "segments.builtin" })}</Text>
                  </Chip>
                )}
              </Box>
              {segment.description && (
                <Text size={2} color="default2">
                  {segment.description}
                </Text>
              )}
            </Box>
          </Box>
          <Box as="td" {...cell}>
            <Text size={2} fontFamily="Geist Mono" data-testid="segment-key">
              {segment.key}
            </Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3} data-testid="segment-members">
              {formatNumber(segment.memberCount, locale)}
            </Text>
          </Box>
          <Box as="td" {...cell}>
            <TrendSparkline points={segment.trend} summary={segment.summary} />
          </Box>
          <Box as="td" {...cell}>
            <Text size={3} color={segment.status === "ARCHIVED" ? "default2" : "default1"} data-testid="segment-status">
              {intl.formatMessage({ id: statusMessageId(segment.status) })}
            </Text>
          </Box>
        </tr>
      ))}
    </DataTable>
  );
};

/** `/segments`: every segment with its members and their trend; archived ones on request. */
export const SegmentsListView = () => {
  const intl = useIntl();
  const navigate = useNavigate();
  const [showArchived, setShowArchived] = useState(false);
  const list = useSegmentList(showArchived);
  const rows = list.data ? segmentRows(list.data, showArchived) : [];

  return (
    <>
      <PageTitle
        actions={
          <Button onClick={() => navigate(pathFor({ name: "segmentNew" }))} data-testid="segment-new">
            {intl.formatMessage({ id: "segments.new" })}
          </Button>
        }
      >
        {intl.formatMessage({ id: "segments.title" })}
      </PageTitle>
      <Checkbox checked={showArchived} onCheckedChange={(checked) => setShowArchived(checked === true)} data-testid="segments-show-archived">
        <Text size={3}>{intl.formatMessage({ id: "segments.list.showArchived" })}</Text>
      </Checkbox>
      {list.isPending && <LoadingState label={intl.formatMessage({ id: "segments.list.loading" })} />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && rows.length === 0 && (
        <StatusCard testId="segments-empty">
          <Text as="h2" size={6} fontWeight="bold">
            {intl.formatMessage({ id: "segments.list.empty" })}
          </Text>
          <Text size={3}>{intl.formatMessage({ id: "segments.list.empty.text" })}</Text>
        </StatusCard>
      )}
      {rows.length > 0 && (
        <Box aria-busy={list.isFetching}>
          <SegmentTable rows={rows} />
        </Box>
      )}
    </>
  );
};
