/** The catalogue: its full sync's progress (polled while it runs) and starting it again after a
 * confirmation; its settings (a product URL pattern per channel with the example URL it gives,
 * the low-stock threshold, the consumable product types); and the webhooks brought in line. */
import { Box, Button, Input, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { useSaleorChannels } from "../../journeys/editor/api";
import { formatDateTime } from "../../lib/format";
import { useAppLocale } from "../../providers/locale-provider";
import {
  ANY_CHANNEL,
  type CatalogueForm,
  type CatalogueSettings,
  type CatalogueSync,
  catalogueForm,
  catalogueRestartRefused,
  catalogueSyncPercent,
  checkCatalogue,
  errorRow,
  exampleChannel,
  exampleUrl,
  lastCompleteSync,
  type PatternRow,
  webhooksOutcome,
} from "../catalogue";
import type { FieldError } from "../form-values";
import { FieldRow, LinesField, SectionForm, TextField, useErrorText, useSection } from "../section-form";
import { useCatalogueSettings, useCatalogueSync, useRestartCatalogueSync, useSaveCatalogueSettings, useWebhooksSync } from "../use-catalogue";

type T = (id: string, values?: Record<string, string | number>) => string;

const SyncProgress = ({ sync, t }: { sync: CatalogueSync; t: T }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const percent = catalogueSyncPercent(sync);
  const n = (value: number) => intl.formatNumber(value);
  const last = lastCompleteSync(sync);
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="catalogue-sync">
      <Box display="flex" justifyContent="space-between" flexWrap="wrap" gap={2}>
        <Text size={4} fontWeight="medium" data-testid="catalogue-sync-state">
          {t("settings.catalogue.sync.number", { number: sync.number })} · {t(`settings.catalogue.status.${sync.status}`)}
          {sync.status !== "DONE" && ` · ${t(`settings.catalogue.phase.${sync.phase}`)}`}
        </Text>
        <Text size={3} color="default2" data-testid="catalogue-sync-when">
          {last
            ? t("settings.catalogue.sync.lastComplete", { at: formatDateTime(last, locale) })
            : sync.startedAt
              ? t("settings.catalogue.sync.startedAt", { at: formatDateTime(sync.startedAt, locale) })
              : t("settings.catalogue.sync.notStarted")}
        </Text>
      </Box>
      <Box
        role="progressbar"
        aria-label={t("settings.catalogue.sync.progress")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        height={2}
        borderRadius={2}
        backgroundColor="default1Hovered"
        overflow="hidden"
        data-testid="catalogue-sync-progress"
      >
        <Box height="100%" backgroundColor={sync.status === "FAILED" ? "critical1" : "accent1"} __width={`${percent ?? 0}%`} />
      </Box>
      <Text size={3} data-testid="catalogue-sync-counts">
        {[
          t("settings.catalogue.count.categories", { count: n(sync.categories) }),
          t("settings.catalogue.count.collections", { count: n(sync.collections) }),
          sync.total === null
            ? t("settings.catalogue.count.products", { count: n(sync.products) })
            : t("settings.catalogue.count.productsOf", { count: n(sync.products), total: n(sync.total) }),
          t("settings.catalogue.count.variants", { count: n(sync.variants) }),
          ...(sync.skipped ? [t("settings.catalogue.count.skipped", { count: n(sync.skipped) })] : []),
          ...(sync.deleted ? [t("settings.catalogue.count.deleted", { count: n(sync.deleted) })] : []),
        ].join(" · ")}
      </Text>
      {sync.error && (
        <Text size={2} color="critical1" role="alert" data-testid="catalogue-sync-error">
          {sync.error}
        </Text>
      )}
    </Box>
  );
};

const SyncBlock = ({ t }: { t: T }) => {
  const sync = useCatalogueSync();
  const restart = useRestartCatalogueSync();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [confirming, setConfirming] = useState(false);
  const refused = sync.data === undefined ? true : catalogueRestartRefused(sync.data, new Date());
  const confirm = () =>
    restart.mutate(undefined, {
      onSuccess: () => notify({ status: "success", title: t("settings.catalogue.restarted") }),
      onError: (error) => notifyError(t("settings.catalogue.restartFailed"), error),
      onSettled: () => setConfirming(false),
    });
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      {sync.isPending && <LoadingState label={t("settings.catalogue.loading")} />}
      {sync.isError && <ErrorState error={sync.error} onRetry={() => void sync.refetch()} />}
      {sync.data === null && (
        <Text size={3} data-testid="catalogue-sync-none">
          {t("settings.catalogue.sync.none")}
        </Text>
      )}
      {sync.data && <SyncProgress sync={sync.data} t={t} />}
      {sync.data !== undefined && (
        <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
          <Button variant="secondary" type="button" onClick={() => setConfirming(true)} disabled={refused || restart.isPending} data-testid="catalogue-restart">
            {t("settings.catalogue.restart")}
          </Button>
          {refused && (
            <Text size={2} color="default2" data-testid="catalogue-restart-note">
              {t("settings.catalogue.restartWhenDone")}
            </Text>
          )}
        </Box>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("settings.catalogue.restartTitle")}
        description={t("settings.catalogue.restartText")}
        confirmLabel={t("settings.catalogue.restart")}
        busy={restart.isPending}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </Box>
  );
};

const PatternField = ({
  index,
  row,
  rows,
  channels,
  options,
  error,
  onChange,
  onRemove,
  t,
}: {
  index: number;
  row: PatternRow;
  rows: PatternRow[];
  channels: string[];
  options: { value: string; label: string }[];
  error: FieldError | undefined;
  onChange: (row: PatternRow) => void;
  onRemove: () => void;
  t: T;
}) => {
  const errorText = useErrorText()(error);
  const channel = exampleChannel(row, rows, channels);
  const example = exampleUrl(row.pattern, channel);
  const hint =
    "url" in example
      ? t("settings.catalogue.example", { url: example.url })
      : t(`settings.catalogue.exampleProblem.${example.problem}`, { detail: example.detail ?? "" });
  const own = options.some((o) => o.value === row.channel) ? options : [...options, { value: row.channel, label: row.channel }];
  return (
    <Box
      role="group"
      aria-label={t("settings.catalogue.patternRow", { row: index + 1 })}
      display="grid"
      gap={3}
      __gridTemplateColumns="minmax(180px, 1fr) minmax(280px, 3fr) auto"
      alignItems="start"
      data-testid="catalogue-pattern"
      data-channel={row.channel}
    >
      <Select
        label={t("settings.catalogue.channel")}
        options={own}
        value={row.channel || null}
        onChange={(value: string) => onChange({ ...row, channel: value })}
        data-testid={`catalogue-pattern-channel-${index}`}
      />
      <Box display="flex" flexDirection="column" gap={1}>
        <Input
          label={t("settings.catalogue.pattern")}
          value={row.pattern}
          autoComplete="off"
          onChange={(e) => onChange({ ...row, pattern: e.target.value })}
          error={Boolean(error)}
          aria-invalid={Boolean(error)}
          helperText={errorText}
          data-testid={`catalogue-pattern-input-${index}`}
        />
        <Text
          size={2}
          color={"url" in example ? "default2" : "critical1"}
          __wordBreak="break-all"
          data-testid={`catalogue-pattern-example-${index}`}
        >
          {hint}
        </Text>
      </Box>
      <Button type="button" variant="tertiary" onClick={onRemove} data-testid={`catalogue-pattern-remove-${index}`}>
        {t("settings.catalogue.removePattern")}
      </Button>
    </Box>
  );
};

const SettingsForm = ({ settings, t }: { settings: CatalogueSettings; t: T }) => {
  const save = useSaveCatalogueSettings();
  const saleorChannels = useSaleorChannels();
  const channels = (saleorChannels.data?.channels ?? []).map((c) => c.slug);
  const options = [
    { value: ANY_CHANNEL, label: t("settings.catalogue.anyChannel") },
    ...(saleorChannels.data?.channels ?? []).map((c) => ({ value: c.slug, label: `${c.name} (${c.slug})` })),
  ];
  const state = useSection<CatalogueForm>({
    initial: catalogueForm(settings),
    check: checkCatalogue,
    save,
    savedTitle: t("settings.catalogue.saved"),
  });
  const { form, set, errors } = state;
  const rowOfError = errorRow(errors.patterns, form.patterns);
  const setRow = (index: number, row: PatternRow) => set("patterns", form.patterns.map((old, i) => (i === index ? row : old)));
  const unused = options.find((o) => !form.patterns.some((r) => r.channel === o.value));
  return (
    <SectionForm id="catalogue" title={t("settings.catalogue.settingsTitle")} description={t("settings.catalogue.settingsText")} state={state}>
      <Box role="group" aria-label={t("settings.catalogue.patterns")} display="flex" flexDirection="column" gap={3} data-testid="settings-field-patterns">
        <Text as="h3" size={5} fontWeight="medium">
          {t("settings.catalogue.patterns")}
        </Text>
        <Text as="p" size={3} color="default2" data-testid="catalogue-placeholders">
          {t("settings.catalogue.placeholders")}
        </Text>
        {saleorChannels.isError && (
          <Text size={2} color="default2">
            {t("settings.catalogue.channelsUnavailable")}
          </Text>
        )}
        {form.patterns.length === 0 && (
          <Text size={3} data-testid="catalogue-patterns-none">
            {t("settings.catalogue.noPatterns")}
          </Text>
        )}
        {form.patterns.map((row, index) => (
          <PatternField
            key={index}
            index={index}
            row={row}
            rows={form.patterns}
            channels={channels}
            options={options}
            error={rowOfError === index ? errors.patterns : undefined}
            onChange={(changed) => setRow(index, changed)}
            onRemove={() => set("patterns", form.patterns.filter((_, i) => i !== index))}
            t={t}
          />
        ))}
        {errors.patterns && rowOfError === null && (
          <Text size={2} color="critical1" role="alert" data-testid="catalogue-patterns-error">
            {fieldErrorText(errors.patterns, t)}
          </Text>
        )}
        <Box>
          <Button
            type="button"
            variant="secondary"
            onClick={() => set("patterns", [...form.patterns, { channel: unused?.value ?? "", pattern: "" }])}
            data-testid="catalogue-pattern-add"
          >
            {t("settings.catalogue.addPattern")}
          </Button>
        </Box>
      </Box>
      <FieldRow>
        <TextField
          name="lowStockThreshold"
          type="number"
          label={t("settings.catalogue.lowStockThreshold")}
          hint={t("settings.catalogue.lowStockThresholdHint")}
          value={form.lowStockThreshold}
          onChange={(v) => set("lowStockThreshold", v)}
          error={errors.lowStockThreshold}
        />
        <LinesField
          name="consumableProductTypes"
          label={t("settings.catalogue.consumableProductTypes")}
          hint={t("settings.catalogue.consumableProductTypesHint")}
          value={form.consumableProductTypes}
          onChange={(v) => set("consumableProductTypes", v)}
          error={errors.consumableProductTypes}
        />
      </FieldRow>
    </SectionForm>
  );
};

/** A field error's text where no field shows it (a problem of the patterns as a whole). */
const fieldErrorText = (error: FieldError, t: T): string => t(error.id, error.values);

const WebhooksLine = ({ t }: { t: T }) => {
  const sync = useWebhooksSync();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const report = sync.data;
  const outcome = report ? webhooksOutcome(report) : null;
  const run = () =>
    sync.mutate(undefined, {
      onSuccess: (done) =>
        webhooksOutcome(done) === "failed"
          ? notify({ status: "error", title: t("settings.webhooks.failed") })
          : notify({ status: "success", title: t("settings.webhooks.done") }),
      onError: (error) => notifyError(t("settings.webhooks.failed"), error),
    });
  return (
    <Box
      as="section"
      aria-labelledby="settings-webhooks-heading"
      display="flex"
      flexDirection="column"
      gap={3}
      padding={6}
      borderStyle="solid"
      borderWidth={1}
      borderRadius={4}
      borderColor="default1"
      data-testid="settings-section-webhooks"
    >
      <Text as="h2" id="settings-webhooks-heading" size={7} fontWeight="bold">
        {t("settings.webhooks.title")}
      </Text>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text as="p" size={3} color="default2" __flex="1 1 320px">
          {t("settings.webhooks.text")}
        </Text>
        <Button type="button" variant="secondary" onClick={run} disabled={sync.isPending} data-testid="webhooks-sync">
          {t(sync.isPending ? "settings.webhooks.running" : "settings.webhooks.run")}
        </Button>
      </Box>
      {report && outcome && (
        <Box display="flex" flexDirection="column" gap={1} role="status" data-testid="webhooks-result" data-outcome={outcome}>
          <Text size={3} color={outcome === "failed" ? "critical1" : "default1"} data-testid="webhooks-headline">
            {t(`settings.webhooks.outcome.${outcome}`, {
              inLine: report.inLine,
              created: report.created.length,
              updated: report.updated.length,
            })}
          </Text>
          {report.created.length > 0 && <Text size={2}>{t("settings.webhooks.created", { names: report.created.join(", ") })}</Text>}
          {report.updated.length > 0 && <Text size={2}>{t("settings.webhooks.updated", { names: report.updated.join(", ") })}</Text>}
          {report.extra.length > 0 && (
            <Text size={2} color="default2">
              {t("settings.webhooks.extra", { names: report.extra.join(", ") })}
            </Text>
          )}
          {report.errors.length > 0 && (
            // One line a refused webhook (some forty when Saleor refuses them all): scrolled.
            <Box display="flex" flexDirection="column" gap={1} __maxHeight="180px" overflowY="auto" tabIndex={0} aria-label={t("settings.webhooks.errors")}>
              {report.errors.map((error) => (
                <Text key={error} size={2} color="critical1" data-testid="webhooks-error">
                  {error}
                </Text>
              ))}
            </Box>
          )}
        </Box>
      )}
      {sync.isError && (
        <Text size={2} color="critical1" role="alert">
          {sync.error instanceof Error ? sync.error.message : String(sync.error)}
        </Text>
      )}
    </Box>
  );
};

export const CatalogueSection = () => {
  const intl = useIntl();
  const t: T = (id, values) => intl.formatMessage({ id }, values);
  const settings = useCatalogueSettings();
  return (
    <>
      <Box as="section" aria-labelledby="settings-catalogue-heading" display="flex" flexDirection="column" gap={4} data-testid="settings-section-catalogue-sync">
        <Text as="h2" id="settings-catalogue-heading" size={7} fontWeight="bold">
          {t("settings.catalogue.title")}
        </Text>
        <Text as="p" size={3} color="default2">
          {t("settings.catalogue.text")}
        </Text>
        <SyncBlock t={t} />
      </Box>
      {settings.isPending && <LoadingState label={t("settings.catalogue.loadingSettings")} />}
      {settings.isError && <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} t={t} />}
      <WebhooksLine t={t} />
    </>
  );
};
