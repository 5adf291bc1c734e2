/** One import: its progress while it runs, then its counts and the rows it skipped. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";

import { Fact } from "../components/section";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { useNotifyError } from "../hooks/use-notify";
import { formatDateTime } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { type CsvImport, isActive, kindOfJob, progressPercent, resultCounts, rowErrorsFileName } from "./preview";
import { RowErrorsTable } from "./preview-view";
import { useCsvImport, useRowErrorsDownload } from "./use-imports";

const ProgressBar = ({ job, label }: { job: CsvImport; label: string }) => {
  const percent = progressPercent(job);
  return (
    <Box
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      height={2}
      borderRadius={2}
      backgroundColor="default1Hovered"
      overflow="hidden"
      data-testid="import-progressbar"
    >
      <Box height="100%" backgroundColor={job.status === "FAILED" ? "critical1" : "accent1"} __width={`${percent}%`} />
    </Box>
  );
};

const RowErrorsDownload = ({ job }: { job: CsvImport }) => {
  const intl = useIntl();
  const notifyError = useNotifyError();
  const download = useRowErrorsDownload();
  const [link, setLink] = useState<{ url: string; fileName: string } | null>(null);

  useEffect(() => () => {
    if (link) URL.revokeObjectURL(link.url);
  }, [link]);

  if (link) {
    return (
      <a href={link.url} download={link.fileName} data-testid="row-errors-download">
        <Text size={3} color="accent1" textDecoration="underline">
          {intl.formatMessage({ id: "imports.result.download" }, { fileName: link.fileName })}
        </Text>
      </a>
    );
  }
  return (
    <Button
      variant="secondary"
      disabled={download.isPending}
      data-testid="row-errors-prepare"
      onClick={() =>
        download.mutate(job.id, {
          onSuccess: (blob) => setLink({ url: URL.createObjectURL(blob), fileName: rowErrorsFileName(job) }),
          onError: (error) => notifyError(intl.formatMessage({ id: "imports.result.downloadFailed" }), error),
        })
      }
    >
      {intl.formatMessage({ id: download.isPending ? "imports.result.preparing" : "imports.result.prepare" })}
    </Button>
  );
};

export const ImportProgress = ({ importId }: { importId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const query = useCsvImport(importId);

  if (query.isPending) return <LoadingState label={t("imports.progress.loading")} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const job = query.data;
  if (!job) {
    return (
      <Text size={3} data-testid="import-missing">
        {t("imports.progress.missing")}
      </Text>
    );
  }
  const kind = kindOfJob(job.kind);
  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="import-job" data-status={job.status}>
      <Text as="p" size={4} data-testid="import-state">
        {t(`imports.status.${job.status}`)}
        {" · "}
        {t("imports.progress.rows", { done: intl.formatNumber(job.done), total: intl.formatNumber(job.total) })}
        {" · "}
        {job.fileName || t("imports.progress.noFileName")}
        {job.sourceName && ` · ${t("imports.progress.source", { source: job.sourceName })}`}
      </Text>
      <ProgressBar job={job} label={t("imports.progress.label", { fileName: job.fileName })} />
      {job.error && (
        <Text size={3} color="critical1" role="alert">
          {job.error}
        </Text>
      )}
      {!isActive(job.status) && (
        <>
          <Box display="flex" gap={8} flexWrap="wrap" data-testid="import-result">
            {resultCounts(kind).map((count) => (
              <Fact key={count} label={t(`imports.result.${kind}.${count}`)} testId={`result-${count}`}>
                <Text size={6} fontWeight="bold">
                  {intl.formatNumber(job[count])}
                </Text>
              </Fact>
            ))}
          </Box>
          {job.finishedAt && (
            <Text size={2} color="default2">
              {t("imports.result.finished", { date: formatDateTime(job.finishedAt, locale) })}
            </Text>
          )}
          {job.rowErrorCount > 0 && (
            <Box display="flex" flexDirection="column" gap={3}>
              <Box display="flex" gap={4} alignItems="center" flexWrap="wrap">
                <Text as="h3" size={5} fontWeight="bold">
                  {t("imports.result.skippedRows", { count: job.rowErrorCount })}
                </Text>
                <RowErrorsDownload job={job} />
              </Box>
              <RowErrorsTable errors={job.rowErrors} testId="result-errors" caption={t("imports.result.skippedRows", { count: job.rowErrorCount })} />
              {job.rowErrorCount > job.rowErrors.length && (
                <Text size={2} color="default2">
                  {t("imports.preview.moreErrors", { shown: job.rowErrors.length, count: job.rowErrorCount })}
                </Text>
              )}
            </Box>
          )}
        </>
      )}
    </Box>
  );
};
