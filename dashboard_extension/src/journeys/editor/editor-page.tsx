import { Box, Button, Checkbox, Chip, Text } from "@saleor/macaw-ui";
import { useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useIntl } from "react-intl";

import { AppLink } from "../../components/app-link";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { useNotify } from "../../hooks/use-notify";
import { pathFor } from "../../lib/routes";
import { useGraphQLClient } from "../../providers/data-provider";
import { type EditorJourney, journeyKey } from "./api";
import { Canvas } from "./canvas";
import { ENTRY_ID, type EditorDoc, stepType } from "./convert";
import { EnrolDialog, TestRunDialog, TriggerSecret } from "./dialogs";
import { CHECK_QUERY, PUBLISH_MUTATION } from "./editor.documents";
import { type View, entrySpot } from "./entry-spot";
import { Palette, type PaletteProps } from "./palette";
import { canRedo, canUndo, isFull } from "./reducer";
import { type ShownProblem, SidePanel } from "./side-panel";
import { type TraceStep, tracePath } from "./trace";
import { loadDoc, useJourneyEditor } from "./use-journey-editor";
import { checkErrorTarget } from "./validate";

type NodeError = { nodeId: string; field: string; code: string; message: string };

const SaveIndicator = ({ status }: { status: string }) => {
  const intl = useIntl();
  return (
    <Text size={2} color={status === "conflict" || status === "error" ? "critical1" : "default2"} role="status" data-testid="save-status" data-status={status}>
      {intl.formatMessage({ id: `editor.save.${status}` })}
    </Text>
  );
};

const Editor = ({ journeyId }: { journeyId: string }) => {
  const intl = useIntl();
  const notify = useNotify();
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const editor = useJourneyEditor(journeyId);
  const { state, dispatch, journey, definition } = editor;
  const [trace, setTrace] = useState<TraceStep[] | null>(null);
  const [dialog, setDialog] = useState<"test" | "enrol" | "publish" | null>(null);
  const [checkErrors, setCheckErrors] = useState<NodeError[]>([]);
  const [warnings, setWarnings] = useState<NodeError[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [showLive, setShowLive] = useState(false);

  // Undo and redo from the keyboard (Ctrl/Cmd+Z, Shift+Z, Ctrl+Y), also while typing in the panel.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "z" || key === "y") {
        event.preventDefault();
        dispatch({ type: key === "y" || event.shiftKey ? "redo" : "undo" });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [dispatch]);

  const nodeIds = useMemo(() => new Set(Object.keys(definition.nodes ?? {})), [definition]);
  // The draft's problems and the last publish check's (journeyCheck: templates, lists, subjects
  // that do not parse ...): the side panel shows both at their fields.
  const blocking: ShownProblem[] = useMemo(
    () => [
      ...editor.problems,
      ...checkErrors.map((e) => ({ ...checkErrorTarget(e.nodeId, e.field, nodeIds), text: e.message })),
    ],
    [editor.problems, checkErrors, nodeIds],
  );
  const problemsByNode = useMemo(() => {
    const map = new Map(editor.problemsByNode);
    for (const e of checkErrors) {
      const { nodeId } = checkErrorTarget(e.nodeId, e.field, nodeIds);
      map.set(nodeId, [...(map.get(nodeId) ?? []), e.message]);
    }
    return map;
  }, [editor.problemsByNode, checkErrors, nodeIds]);
  // A check's findings are about the draft as it was: an edit clears them.
  useEffect(() => setCheckErrors([]), [definition]);

  const { rebase } = editor;
  const triggerSecret = useMemo(() => <TriggerSecret journeyId={journeyId} onChanged={rebase} />, [journeyId, rebase]);
  const traced = useMemo(() => (trace ? tracePath(trace, state.doc.edges) : null), [trace, state.doc.edges]);

  /** The canvas's visible part in its own coordinates, or null before it is drawn. */
  const view = useCallback((): View | null => {
    const pane = document.querySelector('[data-testid="journey-canvas"]')?.getBoundingClientRect();
    if (!pane) return null;
    const topLeft = flow.screenToFlowPosition({ x: pane.left, y: pane.top });
    const bottomRight = flow.screenToFlowPosition({ x: pane.right, y: pane.bottom });
    return { ...topLeft, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y };
  }, [flow]);

  const onPick: PaletteProps["onPick"] = useCallback(
    (item) => {
      if (item.kind === "entry") {
        const visible = view();
        const position = visible ? entrySpot(state.doc, visible) : null;
        dispatch({ type: "setEntry", entryType: item.type, ...(position ? { position } : {}), ...(item.config ? { config: item.config } : {}) });
        return;
      }
      const selection = state.selection;
      if (selection?.kind === "node") dispatch({ type: "insertAfter", nodeType: item.type, afterId: selection.id });
      else if (selection?.kind === "edge") dispatch({ type: "insertOnEdge", nodeType: item.type, edgeId: selection.id });
      else {
        const visible = view();
        const position = visible ? { x: visible.x + visible.width / 2, y: visible.y + visible.height / 2 } : { x: 0, y: 0 };
        dispatch({ type: "addNode", nodeType: item.type, position });
      }
    },
    [dispatch, view, state.selection, state.doc],
  );

  const startPublish = async () => {
    if (editor.problems.length > 0) {
      notify({ status: "warning", title: intl.formatMessage({ id: "editor.publish.blocked" }) });
      return;
    }
    const result = await client.execute(CHECK_QUERY, { definition });
    if (!result.ok) {
      notify({ status: "error", title: intl.formatMessage({ id: "editor.publish.failed" }), text: result.message });
      return;
    }
    const check = (result.data as { journeyCheck: { errors: NodeError[]; warnings: NodeError[] } }).journeyCheck;
    setCheckErrors(check.errors);
    setWarnings(check.warnings);
    if (check.errors.length === 0) setDialog("publish");
  };

  const publish = async () => {
    setPublishing(true);
    const saved = await editor.flush();
    if (!saved) {
      setPublishing(false);
      setDialog(null);
      notify({ status: "error", title: intl.formatMessage({ id: "editor.publish.notSaved" }) });
      return;
    }
    const result = await client.execute(PUBLISH_MUTATION, { id: journeyId });
    setPublishing(false);
    setDialog(null);
    if (!result.ok) {
      notify({ status: "error", title: intl.formatMessage({ id: "editor.publish.failed" }), text: result.message });
      return;
    }
    const answer = (result.data as { publishJourney: { journey: EditorJourney | null; errors: NodeError[]; warnings: NodeError[] } }).publishJourney;
    if (!answer.journey) {
      setCheckErrors(answer.errors);
      return;
    }
    const published = answer.journey;
    editor.rebase(published.updatedAt);
    queryClient.setQueryData(journeyKey(journeyId), (old: { journey: EditorJourney | null } | undefined) =>
      old?.journey ? { journey: { ...old.journey, status: published.status, currentVersion: published.currentVersion } } : old,
    );
    void editor.refetchCounts();
    notify({
      status: "success",
      title: intl.formatMessage({ id: "editor.publish.done" }, { number: published.currentVersion?.number ?? 0 }),
    });
  };

  const [liveDoc, setLiveDoc] = useState<EditorDoc | null>(null);
  const liveVersion = journey?.currentVersion ?? null;
  useEffect(() => {
    let current = true;
    if (liveVersion) void loadDoc({ draft: liveVersion.definition, layout: liveVersion.layout }).then((doc) => current && setLiveDoc(doc));
    else setLiveDoc(null);
    return () => {
      current = false;
    };
  }, [liveVersion]);

  if (editor.journeyQuery.isLoading || (journey && !editor.loaded)) {
    return <Text>{intl.formatMessage({ id: "editor.loading" })}</Text>;
  }
  if (!journey) {
    return (
      <Text as="h1" size={8} data-testid="journey-missing">
        {intl.formatMessage({ id: "editor.notFound" })}
      </Text>
    );
  }

  const entry = state.doc.nodes.find((n) => n.id === ENTRY_ID);
  const status = journey.status;

  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="journey-editor">
      <Box display="flex" flexWrap="wrap" alignItems="center" justifyContent="space-between" gap={3}>
        <Box display="flex" alignItems="center" gap={3}>
          <Text as="h1" size={9} fontWeight="bold">
            {journey.name}
          </Text>
          <Chip size="large" data-testid="journey-status">
            {intl.formatMessage({ id: `editor.status.${status}` })}
          </Chip>
          {journey.currentVersion && (
            <Text size={2} color="default2">
              {intl.formatMessage({ id: "editor.liveVersion" }, { number: journey.currentVersion.number })}
            </Text>
          )}
          <SaveIndicator status={editor.autosave.status} />
          <AppLink to={pathFor({ name: "journeyAnalytics", journeyId })} data-testid="journey-analytics-link">
            <Text size={3}>{intl.formatMessage({ id: "analytics.journey.open" })}</Text>
          </AppLink>
        </Box>
        <Box display="flex" flexWrap="wrap" gap={2} role="toolbar" aria-label={intl.formatMessage({ id: "editor.toolbar" })}>
          <Button variant="secondary" disabled={!canUndo(state)} onClick={() => dispatch({ type: "undo" })} data-testid="undo" aria-keyshortcuts="Control+Z Meta+Z">
            {intl.formatMessage({ id: "editor.undo" })}
          </Button>
          <Button variant="secondary" disabled={!canRedo(state)} onClick={() => dispatch({ type: "redo" })} data-testid="redo" aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z">
            {intl.formatMessage({ id: "editor.redo" })}
          </Button>
          <Button
            variant="secondary"
            onClick={async () => {
              const { tidyPositions } = await import("./layout");
              dispatch({ type: "tidy", positions: tidyPositions(state.doc) });
            }}
            data-testid="tidy"
          >
            {intl.formatMessage({ id: "editor.tidy" })}
          </Button>
          <Button variant="secondary" onClick={() => setDialog("test")} data-testid="open-test-run">
            {intl.formatMessage({ id: "editor.test.open" })}
          </Button>
          {trace && (
            <Button variant="tertiary" onClick={() => setTrace(null)} data-testid="clear-test-path">
              {intl.formatMessage({ id: "editor.test.clear" })}
            </Button>
          )}
          <Button variant="secondary" disabled={status !== "active"} onClick={() => setDialog("enrol")} data-testid="open-enrol">
            {intl.formatMessage({ id: "editor.enrol.open" })}
          </Button>
          <Button variant="primary" onClick={startPublish} data-testid="publish">
            {intl.formatMessage({ id: "editor.publish.open" })}
          </Button>
        </Box>
      </Box>

      {editor.autosave.status === "conflict" && (
        <Box role="alert" display="flex" flexWrap="wrap" gap={3} alignItems="center" padding={3} borderRadius={4} backgroundColor="critical1" data-testid="conflict-warning">
          <Text size={3}>{intl.formatMessage({ id: "editor.conflict.text" })}</Text>
          <Button variant="secondary" size="small" onClick={() => void editor.reloadTheirs()} data-testid="conflict-reload">
            {intl.formatMessage({ id: "editor.conflict.reload" })}
          </Button>
          <Button variant="secondary" size="small" onClick={() => void editor.keepMine()} data-testid="conflict-keep">
            {intl.formatMessage({ id: "editor.conflict.keep" })}
          </Button>
        </Box>
      )}

      {checkErrors.length > 0 && (
        <Box role="alert" display="flex" flexDirection="column" gap={2} padding={3} borderRadius={4} borderStyle="solid" borderWidth={1} borderColor="critical1" data-testid="publish-blocking">
          <Text size={4} fontWeight="bold">
            {intl.formatMessage({ id: "editor.publish.blockingTitle" })}
          </Text>
          <ProblemList problems={blocking} onSelect={(id) => dispatch({ type: "select", selection: id ? { kind: "node", id } : null })} />
        </Box>
      )}

      <Box display="grid" gap={4} __gridTemplateColumns="200px minmax(0, 1fr) 360px" __height="75vh">
        <Box overflowY="auto">
          <Palette onPick={onPick} full={isFull(state.doc)} />
        </Box>
        <Box display="flex" gap={2} __minHeight="0">
          <Box flexGrow="1" borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={4} __minWidth="0">
            <Canvas
              doc={state.doc}
              selection={state.selection}
              dispatch={dispatch}
              problems={problemsByNode}
              counts={editor.counts}
              figures={editor.figures}
              traced={traced}
              label={intl.formatMessage({ id: "editor.canvas.label" })}
              testId="journey-canvas"
              refitKey={Boolean(showLive && liveDoc)}
            />
          </Box>
          {showLive && liveDoc && (
            <Box flexGrow="1" borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={4} __minWidth="0" data-testid="live-version">
              <ReactFlowProvider>
                <Canvas
                  doc={liveDoc}
                  selection={null}
                  dispatch={() => undefined}
                  problems={new Map()}
                  counts={editor.counts}
                  traced={null}
                  readOnly
                  label={intl.formatMessage({ id: "editor.live.label" }, { number: journey.currentVersion?.number ?? 0 })}
                  testId="live-canvas"
                />
              </ReactFlowProvider>
            </Box>
          )}
        </Box>
        <Box overflowY="auto" display="flex" flexDirection="column" gap={4} as="aside" aria-label={intl.formatMessage({ id: "editor.panel.label" })} data-testid="side-panel">
          {liveDoc && (
            <Checkbox checked={showLive} onCheckedChange={(c) => setShowLive(c === true)} data-testid="toggle-live">
              <Text size={3}>{intl.formatMessage({ id: "editor.live.show" })}</Text>
            </Checkbox>
          )}
          <SidePanel
            doc={state.doc}
            selection={state.selection}
            dispatch={dispatch}
            problems={blocking}
            readOnly={false}
            entryExtras={entry && stepType(entry) === "trigger" ? triggerSecret : undefined}
          />
          {editor.problems.length > 0 && (
            <Box display="flex" flexDirection="column" gap={2} data-testid="problem-list">
              <Text as="h2" size={4} fontWeight="bold">
                {intl.formatMessage({ id: "editor.problems.title" }, { count: editor.problems.length })}
              </Text>
              <ProblemList problems={editor.problems} onSelect={(id) => dispatch({ type: "select", selection: id ? { kind: "node", id } : null })} />
            </Box>
          )}
        </Box>
      </Box>

      <Box position="absolute" __width="1px" __height="1px" overflow="hidden" aria-live="polite" data-testid="count-announcer">
        {editor.announcement}
      </Box>

      <TestRunDialog open={dialog === "test"} onClose={() => setDialog(null)} journeyId={journeyId} definition={definition} onTrace={setTrace} />
      <EnrolDialog
        open={dialog === "enrol"}
        onClose={() => setDialog(null)}
        journeyId={journeyId}
        onEnrolled={(enrolled) => {
          notify({ status: enrolled ? "success" : "info", title: intl.formatMessage({ id: enrolled ? "editor.enrol.done" : "editor.enrol.refused" }) });
          void editor.refetchCounts();
        }}
      />
      <ConfirmDialog
        open={dialog === "publish"}
        title={intl.formatMessage({ id: "editor.publish.confirmTitle" })}
        description={
          <>
            {intl.formatMessage({ id: "editor.publish.confirmText" })}
            {warnings.map((w, i) => (
              <span key={i} style={{ display: "block" }}>
                {intl.formatMessage({ id: "editor.publish.warning" }, { node: w.nodeId, message: w.message })}
              </span>
            ))}
          </>
        }
        confirmLabel={intl.formatMessage({ id: "editor.publish.confirm" })}
        busy={publishing}
        onConfirm={() => void publish()}
        onCancel={() => setDialog(null)}
      />
    </Box>
  );
};

const ProblemList = ({ problems, onSelect }: { problems: ShownProblem[]; onSelect: (nodeId: string | null) => void }) => {
  const intl = useIntl();
  return (
    <Box as="ul" margin={0} padding={0} display="flex" flexDirection="column" gap={1}>
      {problems.map((p, i) => (
        <Box as="li" key={i} listStyleType="none">
          <Button variant="tertiary" size="small" onClick={() => onSelect(p.nodeId)}>
            {intl.formatMessage(
              { id: "editor.problems.item" },
              { node: p.nodeId === ENTRY_ID ? intl.formatMessage({ id: "editor.entry" }) : (p.nodeId ?? intl.formatMessage({ id: "editor.settings.title" })), text: p.field ? `${p.field}: ${p.text}` : p.text },
            )}
          </Button>
        </Box>
      ))}
    </Box>
  );
};

/** The journey editor: palette, canvas and panel, for one journey's draft. */
export const JourneyEditor = ({ journeyId }: { journeyId: string }) => (
  <ReactFlowProvider>
    <Editor journeyId={journeyId} />
  </ReactFlowProvider>
);
