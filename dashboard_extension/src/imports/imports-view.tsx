/** `/imports`: a CSV file of contacts, consents or suppressions previewed, then imported, its
 * progress followed to the result; the latest imports below. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../components/confirm-dialog";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { PageTitle } from "../shell/page-layout";
import { ImportForm } from "./import-form";
import { ImportProgress } from "./import-progress";
import { fileTooLarge, importBlockers, type ImportKind } from "./preview";
import { PreviewView } from "./preview-view";
import { RecentImports } from "./recent-imports";
import { UploadError } from "./upload";
import { usePreview, useStartImport } from "./use-imports";

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const ImportsView = () => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const notify = useNotify();
  const notifyError = useNotifyError();
  const preview = usePreview();
  const start = useStartImport();
  const [kind, setKind] = useState<ImportKind>("contacts");
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState("");
  const [sourceError, setSourceError] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [current, setCurrent] = useState<string | null>(null);

  const read = (nextKind: ImportKind, nextFile: File | null) => {
    preview.reset();
    if (nextFile && !fileTooLarge(nextFile)) preview.mutate({ kind: nextKind, file: nextFile });
  };
  const shown = preview.data && preview.data.kind === kind ? preview.data : null;
  const blockers = importBlockers({ kind, file, preview: shown, source });

  const confirm = () => {
    if (!file || blockers.length > 0) return;
    start.mutate(
      { kind, file, source },
      {
        onSuccess: (started) => {
          setConfirming(false);
          setCurrent(started.id);
          notify({ status: "success", title: t("imports.started", { fileName: file.name, total: started.total }) });
          setFile(null);
          setSource("");
          setFormKey((key) => key + 1);
          preview.reset();
        },
        onError: (error) => {
          setConfirming(false);
          if (error instanceof UploadError && error.failure.code.startsWith("source_")) {
            setSourceError(error.failure.message);
          }
          notifyError(t("imports.startFailed"), error);
        },
      },
    );
  };

  return (
    <>
      <PageTitle>{t("imports.title")}</PageTitle>
      <Text as="p" size={4} color="default2">
        {t("imports.intro")}
      </Text>

      <Section title={t("imports.new.title")} testId="import-new">
        <ImportForm
          key={formKey}
          kind={kind}
          source={source}
          sourceError={sourceError}
          disabled={start.isPending}
          onKind={(next) => {
            setKind(next);
            read(next, file);
          }}
          onFile={(next) => {
            setFile(next);
            read(kind, next);
          }}
          onSource={(next) => {
            setSource(next);
            setSourceError(null);
          }}
        />
        {file && fileTooLarge(file) && (
          <Text size={3} color="critical1" role="alert" data-testid="preview-error">
            {t("imports.file.tooLarge")}
          </Text>
        )}
        {preview.isPending && <LoadingState label={t("imports.preview.loading")} />}
        {preview.isError && (
          <Box display="flex" flexDirection="column" gap={2} role="alert" data-testid="preview-error">
            <Text size={4} fontWeight="bold" color="critical1">
              {t("imports.preview.failed")}
            </Text>
            <Text size={3}>{errorText(preview.error)}</Text>
          </Box>
        )}
        {!file && !preview.isPending && (
          <Text size={3} color="default2" data-testid="preview-empty">
            {t("imports.preview.empty")}
          </Text>
        )}
      </Section>

      {shown && file && (
        <Section
          title={t("imports.preview.title")}
          testId="import-preview"
          actions={
            <Button onClick={() => setConfirming(true)} disabled={blockers.length > 0 || start.isPending} data-testid="import-start">
              {t("imports.start", { count: shown.valid })}
            </Button>
          }
        >
          {blockers.length > 0 && (
            <Text size={3} color="default2" data-testid="import-blockers">
              {blockers.map((blocker) => t(`imports.blocker.${blocker}`)).join(" ")}
            </Text>
          )}
          <PreviewView preview={shown} fileName={file.name} />
        </Section>
      )}

      {current && (
        <Section title={t("imports.progress.title")} testId="import-progress">
          <ImportProgress importId={current} />
        </Section>
      )}

      <Section title={t("imports.recent.title")} testId="import-recent">
        <RecentImports selected={current} onShow={setCurrent} />
      </Section>

      <ConfirmDialog
        open={confirming}
        title={t("imports.confirm.title", { fileName: file?.name ?? "" })}
        description={t(`imports.confirm.${kind}`, {
          valid: shown?.valid ?? 0,
          invalid: shown?.invalid ?? 0,
          source: source.trim(),
        })}
        confirmLabel={t("imports.confirm.action", { count: shown?.valid ?? 0 })}
        busy={start.isPending}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
};
