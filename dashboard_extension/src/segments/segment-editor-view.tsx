import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatNumber } from "../lib/format";
import { GraphQLRequestError } from "../lib/graphql";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { type Draft, draftOf, isDirty, nameProblem, NAME_MAX, newDraft, type Refusal, refusalOf, type SavedSegment, withRevision } from "./editor";
import { membersCsvFileName } from "./members-csv";
import { StorefrontVisible } from "./storefront-visible";
import { PREVIEW_DEBOUNCE_MS, previewFreshness } from "./preview";
import { RuleBuilder } from "./rules/rule-builder";
import { type DefinitionError, type RuleTree, toDefinition } from "./rules/model";
import { SegmentHistory } from "./segment-history";
import { SegmentPreviewPanel } from "./segment-preview-panel";
import { SegmentRevisions } from "./segment-revisions";
import { useArchiveSegment, useMembersCsv, useSaveSegment, useSegment, useSegmentPreview } from "./use-segments";

const NO_ERRORS: DefinitionError[] = [];

/** The JSON of the rules on screen, and the one typing settled on (250 ms after the last change). */
const useSettled = (value: string, delay: number): string => {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (value === settled) return;
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, settled, delay]);
  return settled;
};

const MembersCsvButton = ({ segment }: { segment: SavedSegment }) => {
  const intl = useIntl();
  const notifyError = useNotifyError();
  const csv = useMembersCsv();
  const [download, setDownload] = useState<{ url: string; fileName: string } | null>(null);

  useEffect(() => () => {
    if (download) URL.revokeObjectURL(download.url);
  }, [download]);

  // Saved as a download at once: a Blob link clicked for the admin (nothing stored).
  useEffect(() => {
    if (!download) return;
    const link = document.createElement("a");
    link.href = download.url;
    link.download = download.fileName;
    link.click();
  }, [download]);

  return (
    <Button
      variant="secondary"
      disabled={csv.isPending}
      onClick={() =>
        csv.mutate(segment.id, {
          onSuccess: (blob) => setDownload({ url: URL.createObjectURL(blob), fileName: membersCsvFileName(segment.key) }),
          onError: (error) => notifyError(intl.formatMessage({ id: "segments.csv.failed" }), error),
        })
      }
      data-testid="segment-csv"
    >
      {intl.formatMessage({ id: csv.isPending ? "segments.csv.preparing" : "segments.csv.download" })}
    </Button>
  );
};

const SegmentEditor = ({ saved }: { saved: SavedSegment | null }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [draft, setDraft] = useState<Draft>(() => (saved ? draftOf(saved) : newDraft()));
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [nameTouched, setNameTouched] = useState(false);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const save = useSaveSegment(saved?.id ?? null);
  const archive = useArchiveSegment();
  const archived = saved?.status === "ARCHIVED";

  const editedKey = useMemo(() => JSON.stringify(toDefinition(draft.tree)), [draft.tree]);
  const askedKey = useSettled(editedKey, PREVIEW_DEBOUNCE_MS);
  const asked = useMemo(() => JSON.parse(askedKey) as ReturnType<typeof toDefinition>, [askedKey]);
  const preview = useSegmentPreview(archived ? null : asked, askedKey);
  const freshness = previewFreshness({
    hasResult: preview.data !== undefined,
    shownKey: preview.data?.key ?? null,
    editedKey,
    fetching: preview.isFetching,
  });
  const definitionErrors = useMemo(
    () => [...(preview.data?.errors ?? NO_ERRORS), ...(refusal?.definition ?? NO_ERRORS)],
    [preview.data, refusal],
  );

  const problem = nameProblem(draft.name);
  const nameError = refusal?.name ?? (nameTouched && problem ? intl.formatMessage({ id: `segments.name.${problem}` }, { max: NAME_MAX }) : undefined);
  const dirty = isDirty(draft, saved);
  const invalid = (preview.data?.key === editedKey && (preview.data?.errors.length ?? 0) > 0) || problem !== null;

  const change = (next: Draft) => {
    setDraft(next);
    setRefusal(null);
  };
  const changeTree = useCallback((tree: RuleTree) => {
    setDraft((current) => ({ ...current, tree }));
    setRefusal(null);
  }, []);

  const submit = () => {
    setNameTouched(true);
    if (problem) return;
    save.mutate(draft, {
      onSuccess: (segment) => {
        setRefusal(null);
        notify({ status: "success", title: intl.formatMessage({ id: "segments.saved" }, { name: segment.name, revision: segment.revision }) });
        if (saved === null) navigate(pathFor({ name: "segment", segmentId: segment.id }), { replace: true });
        else setDraft(draftOf(segment));
      },
      onError: (error) => {
        if (error instanceof GraphQLRequestError && error.failure.code === "INVALID_DEFINITION") {
          setRefusal(refusalOf(error.failure));
          return;
        }
        if (error instanceof GraphQLRequestError) setRefusal({ name: null, definition: [], general: [error.failure.message] });
        notifyError(intl.formatMessage({ id: "segments.saveFailed" }), error);
      },
    });
  };

  const doArchive = () => {
    if (!saved) return;
    archive.mutate(saved.id, {
      onSuccess: () => {
        setConfirmArchive(false);
        notify({ status: "success", title: intl.formatMessage({ id: "segments.archived" }, { name: saved.name }) });
      },
      onError: (error) => {
        setConfirmArchive(false);
        notifyError(intl.formatMessage({ id: "segments.archiveFailed" }, { name: saved.name }), error);
      },
    });
  };

  return (
    <>
      <PageTitle
        actions={
          <>
            {saved && <MembersCsvButton segment={saved} />}
            {saved && !archived && (
              <Button variant="error" onClick={() => setConfirmArchive(true)} data-testid="segment-archive">
                {intl.formatMessage({ id: "segments.archive" })}
              </Button>
            )}
            {!archived && (
              <Button onClick={submit} disabled={save.isPending || !dirty || invalid} data-testid="segment-save">
                {intl.formatMessage({ id: save.isPending ? "segments.saving" : "segments.save" })}
              </Button>
            )}
          </>
        }
      >
        {saved ? saved.name : intl.formatMessage({ id: "segments.new.title" })}
      </PageTitle>
      {saved && (
        <Text size={3} color="default2" data-testid="segment-summary">
          {intl.formatMessage(
            { id: archived ? "segments.summary.archived" : "segments.summary" },
            { key: saved.key, revision: saved.revision, members: formatNumber(saved.memberCount, locale) },
          )}
        </Text>
      )}
      {saved && <StorefrontVisible segment={saved} disabled={archived} />}
      {refusal && refusal.general.length > 0 && (
        <StatusCard tone="critical" testId="segment-refusal">
          <Box role="alert" display="flex" flexDirection="column" gap={1}>
            {refusal.general.map((message) => (
              <Text key={message} size={3} color="critical1">
                {message}
              </Text>
            ))}
          </Box>
        </StatusCard>
      )}
      {dirty && saved && (
        <Text size={3} color="default2" data-testid="segment-unsaved">
          {intl.formatMessage({ id: "segments.unsaved" })}
        </Text>
      )}
      <Box display="grid" gap={6} __gridTemplateColumns="minmax(0, 2fr) minmax(260px, 1fr)" alignItems="start">
        <Box as="form" display="flex" flexDirection="column" gap={4} onSubmit={(event) => event.preventDefault()} aria-label={intl.formatMessage({ id: "segments.form.label" })}>
          <Input
            label={intl.formatMessage({ id: "segments.name" })}
            value={draft.name}
            maxLength={NAME_MAX + 20}
            disabled={archived}
            onChange={(event) => change({ ...draft, name: event.target.value })}
            onBlur={() => setNameTouched(true)}
            error={nameError !== undefined}
            aria-invalid={nameError !== undefined}
            helperText={nameError}
            data-testid="segment-name"
          />
          <Textarea
            label={intl.formatMessage({ id: "segments.description" })}
            value={draft.description}
            rows={2}
            disabled={archived}
            onChange={(event) => change({ ...draft, description: event.target.value })}
            data-testid="segment-description"
          />
          <RuleBuilder value={draft.tree} onChange={changeTree} errors={definitionErrors} disabled={archived} />
        </Box>
        <SegmentPreviewPanel
          result={preview.data}
          freshness={archived ? "current" : freshness}
          error={preview.isError ? preview.error : null}
          onRetry={() => void preview.refetch()}
        />
      </Box>
      {saved && (
        <SegmentRevisions
          revisions={saved.revisions}
          current={saved.revision}
          disabled={archived}
          onLoad={(revision) => {
            change(withRevision(draft, revision));
            notify({ status: "info", title: intl.formatMessage({ id: "segments.revisions.loaded" }, { number: revision.revision }) });
          }}
        />
      )}
      {saved && <SegmentHistory segmentId={saved.id} />}
      {saved && (
        <ConfirmDialog
          open={confirmArchive}
          title={intl.formatMessage({ id: "segments.archive.confirmTitle" }, { name: saved.name })}
          description={intl.formatMessage({ id: "segments.archive.confirmText" })}
          confirmLabel={intl.formatMessage({ id: "segments.archive" })}
          tone="error"
          busy={archive.isPending}
          onConfirm={doArchive}
          onCancel={() => setConfirmArchive(false)}
        />
      )}
    </>
  );
};

/** `/segments/new` (segmentId null) and `/segments/:segmentId`. */
export const SegmentEditorView = ({ segmentId }: { segmentId: string | null }) => {
  const intl = useIntl();
  const segment = useSegment(segmentId);
  if (segmentId === null) return <SegmentEditor saved={null} />;
  if (segment.isPending) return <LoadingState label={intl.formatMessage({ id: "segments.loading" })} />;
  if (segment.isError) return <ErrorState error={segment.error} onRetry={() => void segment.refetch()} />;
  if (!segment.data) {
    return (
      <StatusCard testId="segment-not-found">
        <Text as="h1" size={6} fontWeight="bold">
          {intl.formatMessage({ id: "segments.notFound" })}
        </Text>
      </StatusCard>
    );
  }
  // A save or an archive replaces the saved segment: the editor starts again from it.
  return <SegmentEditor key={`${segment.data.id}:${segment.data.revision}:${segment.data.status}`} saved={segment.data} />;
};
