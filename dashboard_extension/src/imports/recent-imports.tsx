/** The shop's latest imports, each one a click away from its result. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { formatDateTime } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { kindOfJob } from "./preview";
import { cell } from "./preview-view";
import { useCsvImports } from "./use-imports";

const COLUMNS = ["file", "kind", "status", "rows", "date", "actions"] as const;

export const RecentImports = ({ selected, onShow }: { selected: string | null; onShow: (id: string) => void }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const list = useCsvImports();

  if (list.isPending) return <LoadingState label={t("imports.recent.loading")} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.data.length === 0) {
    return (
      <Text size={3} data-testid="recent-empty">
        {t("imports.recent.empty")}
      </Text>
    );
  }
  return (
    <DataTable testId="recent-table" columns={COLUMNS.map((column) => ({ key: column, label: t(`imports.recent.column.${column}`) }))} compact align="top">
      {list.data.map((job) => (
        <tr key={job.id} data-testid="recent-row" data-import-id={job.id}>
          <Box as="th" scope="row" textAlign="left" {...cell}>
            <Text size={3} fontWeight="medium">
              {job.fileName || t("imports.progress.noFileName")}
            </Text>
            {job.sourceName && (
              <Text as="p" size={2} color="default2">
                {job.sourceName}
              </Text>
            )}
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{t(`imports.kind.${kindOfJob(job.kind)}`)}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{t(`imports.status.${job.status}`)}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{t("imports.progress.rows", { done: intl.formatNumber(job.done), total: intl.formatNumber(job.total) })}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{formatDateTime(job.createdAt, locale)}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Button
              variant="secondary"
              size="small"
              disabled={selected === job.id}
              aria-label={t("imports.recent.show.label", { fileName: job.fileName || job.id })}
              onClick={() => onShow(job.id)}
              data-testid="recent-show"
            >
              {t("imports.recent.show")}
            </Button>
          </Box>
        </tr>
      ))}
    </DataTable>
  );
};
