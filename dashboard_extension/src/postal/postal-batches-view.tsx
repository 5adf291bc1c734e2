/** `/postal`: the print batches of the journeys' postal steps, newest first: download one as
 * CSV for the print-and-mail partner (an open batch closes), mark a closed one sent to print. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";

import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatDateTime, formatNumber } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { actionsOf, csvFileName, fillPercent, type PostalBatch, stateMessageId } from "./batches";
import { useBatchCsv, useMarkSent, usePostalBatches } from "./use-postal";

const cell = cellStyle({ align: "top" });
const COLUMNS = ["batch", "cards", "state", "closes", "actions"] as const;

const BatchRow = ({ batch, onDownload }: { batch: PostalBatch; onDownload: (batch: PostalBatch) => void }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const markSent = useMarkSent();
  const csv = useBatchCsv();
  const allowed = actionsOf(batch);
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  return (
    <tr data-testid="postal-batch-row">
      <Box as="th" scope="row" textAlign="left" {...cell}>
        <Text size={4} fontWeight="medium">
          {batch.journeyName}
        </Text>
        <Text as="p" size={2} color="default2">
          {t("postal.batch.subtitle", { node: batch.node, template: batch.template, day: batch.day, sequence: batch.sequence })}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3}>
          {t("postal.batch.cards", { cards: formatNumber(batch.cards, locale), max: formatNumber(batch.maxCards, locale), percent: fillPercent(batch) })}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3} data-testid="postal-batch-state">
          {t(stateMessageId(batch))}
        </Text>
        {batch.sentAt && (
          <Text as="p" size={2} color="default2">
            {formatDateTime(batch.sentAt, locale)}
          </Text>
        )}
      </Box>
      <Box as="td" {...cell}>
        <Text size={3}>{formatDateTime(batch.closedAt ?? batch.closesAt, locale)}</Text>
      </Box>
      <Box as="td" {...cell}>
        <Box display="flex" gap={2} flexWrap="wrap">
          <Button
            variant="secondary"
            disabled={!allowed.download || csv.isPending}
            data-testid="postal-batch-download"
            onClick={() =>
              csv.mutate(batch.csvPath, {
                onSuccess: (blob) => onDownload({ ...batch, csvPath: URL.createObjectURL(blob) }),
                onError: (error) => notifyError(t("postal.download.failed"), error),
              })
            }
          >
            {t(csv.isPending ? "postal.download.preparing" : "postal.download")}
          </Button>
          <Button
            variant="secondary"
            disabled={!allowed.markSent || markSent.isPending}
            data-testid="postal-batch-sent"
            onClick={() =>
              markSent.mutate(batch.id, {
                onSuccess: () => notify({ status: "success", title: t("postal.sent.done", { name: batch.journeyName }) }),
                onError: (error) => notifyError(t("postal.sent.failed"), error),
              })
            }
          >
            {t("postal.sent")}
          </Button>
        </Box>
      </Box>
    </tr>
  );
};

export const PostalBatchesView = () => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const batches = usePostalBatches();
  // The downloaded CSV (a Blob URL) is saved at once under the server's file name.
  const [download, setDownload] = useState<{ url: string; fileName: string } | null>(null);
  useEffect(() => {
    if (!download) return;
    const link = document.createElement("a");
    link.href = download.url;
    link.download = download.fileName;
    link.click();
    return () => URL.revokeObjectURL(download.url);
  }, [download]);
  return (
    <>
      <PageTitle>{t("postal.title")}</PageTitle>
      <Text as="p" size={4} color="default2">
        {t("postal.intro")}
      </Text>
      <Section title={t("postal.batches.title")} testId="postal-batches-section">
        {batches.isPending ? (
          <LoadingState label={t("postal.loading")} />
        ) : batches.isError ? (
          <ErrorState error={batches.error} onRetry={() => void batches.refetch()} />
        ) : batches.data.length === 0 ? (
          <Text size={4} data-testid="postal-batches-empty">
            {t("postal.batches.empty")}
          </Text>
        ) : (
          <DataTable testId="postal-batches-table" columns={COLUMNS.map((key) => ({ key, label: t(`postal.column.${key}`) }))} align="top">
            {batches.data.map((batch) => (
              <BatchRow
                key={batch.id}
                batch={batch}
                onDownload={(downloaded) => setDownload({ url: downloaded.csvPath, fileName: csvFileName(downloaded) })}
              />
            ))}
          </DataTable>
        )}
      </Section>
    </>
  );
};
