/** The import of what the shop already had: per kind, its state and a progress bar (polled
 * while it runs), and starting it over after a confirmation. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { backfillRows, type BackfillRow, restartRefused } from "../backfill";
import { useBackfillStatus, useRestartBackfill } from "../use-settings";

const Progress = ({ row, label }: { row: BackfillRow; label: string }) => (
  <Box
    role="progressbar"
    aria-label={label}
    aria-valuemin={0}
    aria-valuemax={100}
    aria-valuenow={row.percent ?? undefined}
    height={2}
    borderRadius={2}
    backgroundColor="default1Hovered"
    overflow="hidden"
    data-testid={`backfill-progress-${row.resource}`}
  >
    <Box height="100%" backgroundColor={row.status === "FAILED" ? "critical1" : "accent1"} __width={`${row.percent ?? 0}%`} />
  </Box>
);

export const BackfillSection = () => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const status = useBackfillStatus();
  const restart = useRestartBackfill();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [confirming, setConfirming] = useState(false);
  const running = status.data ? restartRefused(status.data, new Date()) : true;
  const confirm = () =>
    restart.mutate(undefined, {
      onSuccess: () => {
        notify({ status: "success", title: t("settings.backfill.restarted") });
        setConfirming(false);
      },
      onError: (error) => {
        notifyError(t("settings.backfill.restartFailed"), error);
        setConfirming(false);
      },
    });
  return (
    <Box as="section" aria-labelledby="settings-backfill-heading" display="flex" flexDirection="column" gap={4} data-testid="settings-section-backfill">
      <Text as="h2" id="settings-backfill-heading" size={7} fontWeight="bold">
        {t("settings.backfill.title")}
      </Text>
      <Text as="p" size={3} color="default2">
        {t("settings.backfill.text")}
      </Text>
      {status.isPending && <LoadingState label={t("settings.backfill.loading")} />}
      {status.isError && <ErrorState error={status.error} onRetry={() => void status.refetch()} />}
      {status.data &&
        backfillRows(status.data).map((row) => {
          const resource = t(`settings.backfill.resource.${row.resource}`);
          return (
            <Box key={row.resource} display="flex" flexDirection="column" gap={2} data-testid={`backfill-${row.resource}`}>
              <Box display="flex" justifyContent="space-between" flexWrap="wrap" gap={2}>
                <Text size={4} fontWeight="medium">
                  {resource}
                </Text>
                <Text size={3} data-testid={`backfill-state-${row.resource}`}>
                  {t(`settings.backfill.status.${row.status}`)}
                  {row.status !== "NOT_STARTED" &&
                    ` · ${
                      row.total === null
                        ? t("settings.backfill.doneOfUnknown", { done: intl.formatNumber(row.done) })
                        : t("settings.backfill.doneOf", { done: intl.formatNumber(row.done), total: intl.formatNumber(row.total) })
                    }`}
                  {row.skipped > 0 && ` · ${t("settings.backfill.skipped", { count: row.skipped })}`}
                </Text>
              </Box>
              <Progress row={row} label={t("settings.backfill.progressOf", { resource })} />
              {row.error && (
                <Text size={2} color="critical1">
                  {row.error}
                </Text>
              )}
              {row.droppedFields.length > 0 && (
                <Text size={2} color="default2">
                  {t("settings.backfill.dropped", { fields: row.droppedFields.join(", ") })}
                </Text>
              )}
            </Box>
          );
        })}
      {status.data && (
        <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
          <Button variant="secondary" onClick={() => setConfirming(true)} disabled={running || restart.isPending} data-testid="backfill-restart">
            {t("settings.backfill.restart")}
          </Button>
          {running && (
            <Text size={2} color="default2" data-testid="backfill-restart-note">
              {t("settings.backfill.restartWhenDone")}
            </Text>
          )}
        </Box>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("settings.backfill.restartTitle")}
        description={t("settings.backfill.restartText")}
        confirmLabel={t("settings.backfill.restart")}
        busy={restart.isPending}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </Box>
  );
};
