/**
 * The editor page's state and effects: the draft loaded into the reducer, autosave, the
 * server's validation of the draft while the admin edits, and live counts while visible.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { useIntl } from "react-intl";

import { presetRange } from "../../analytics/date-range";
import { type NodeFigures, nodeFigures } from "../../analytics/node-figures";
import { useNodeAnalytics } from "../../analytics/use-analytics";
import { useGraphQLClient } from "../../providers/data-provider";
import { type EditorJourney, journeyKey, useEditorJourney, useNodeCounts } from "./api";
import { autosaveInitial, autosaveReducer, nextSaveAt, serializeDraft } from "./autosave";
import { type Counts, countChanges, countsByNode, shouldPoll } from "./counts";
import type { EditorDoc } from "./convert";
import { definitionToDoc, docLayout, docToDefinition } from "./convert";
import { EDITOR_JOURNEY_QUERY, UPDATE_DRAFT_MUTATION, VALIDATE_QUERY } from "./editor.documents";
import { editorReducer, initialState } from "./reducer";
import type { ShownProblem } from "./side-panel";
import type { Definition } from "./types";
import { problemTarget, validateDefinition } from "./validate";

const EMPTY: EditorDoc = { extras: {}, nodes: [], edges: [], hasNodesKey: false };
const VALIDATE_DELAY_MS = 600;

/** The canvas of a draft or version; nodes without a saved position are laid out (dagre). */
export const loadDoc = async (journey: Pick<EditorJourney, "draft" | "layout">): Promise<EditorDoc> => {
  const { doc, missingPositions } = definitionToDoc(journey.draft ?? {}, journey.layout ?? {});
  if (missingPositions.length === 0) return doc;
  const { placeMissing } = await import("./layout");
  return placeMissing(doc, missingPositions);
};

const snapshotOf = (doc: EditorDoc) => serializeDraft(docToDefinition(doc), docLayout(doc));

/** The definition, recomputed only when a node's configuration or an edge changes (not on a drag). */
const useDefinition = (doc: EditorDoc): Definition => {
  const last = useRef<{ datas: unknown[]; edges: unknown; extras: unknown; definition: Definition } | null>(null);
  const datas = doc.nodes.map((n) => n.data);
  const previous = last.current;
  if (
    previous &&
    previous.edges === doc.edges &&
    previous.extras === doc.extras &&
    previous.datas.length === datas.length &&
    previous.datas.every((d, i) => d === datas[i])
  ) {
    return previous.definition;
  }
  const definition = docToDefinition(doc);
  last.current = { datas, edges: doc.edges, extras: doc.extras, definition };
  return definition;
};

const useVisible = () => {
  const [visibility, setVisibility] = useState<DocumentVisibilityState>(document.visibilityState);
  useEffect(() => {
    const update = () => setVisibility(document.visibilityState);
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visibility;
};

export const useJourneyEditor = (journeyId: string) => {
  const intl = useIntl();
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  const journeyQuery = useEditorJourney(journeyId);
  const journey = journeyQuery.data?.journey ?? null;
  const [state, dispatch] = useReducer(editorReducer, EMPTY, initialState);
  const [autosave, autosaveDispatch] = useReducer(autosaveReducer, autosaveInitial("", null));
  const [loadedAt, setLoadedAt] = useState<string | null>(null);

  const load = useCallback(async (loaded: EditorJourney) => {
    const doc = await loadDoc(loaded);
    dispatch({ type: "load", doc });
    // A layout placed now for nodes without one is saved like an edit.
    autosaveDispatch({ type: "loaded", snapshot: serializeDraft(loaded.draft ?? {}, loaded.layout ?? {}), updatedAt: loaded.updatedAt });
    autosaveDispatch({ type: "edited", snapshot: snapshotOf(doc), at: performance.now() });
    setLoadedAt(loaded.updatedAt);
  }, []);

  useEffect(() => {
    if (journey && loadedAt === null) void load(journey);
  }, [journey, loadedAt, load]);

  const definition = useDefinition(state.doc);
  const dragging = state.group?.key.startsWith("drag:") ?? false;

  // Autosave: note each edit (not every frame of a drag), save when edits pause.
  useEffect(() => {
    if (loadedAt !== null && !dragging) {
      autosaveDispatch({ type: "edited", snapshot: snapshotOf(state.doc), at: performance.now() });
    }
  }, [state.doc, dragging, loadedAt]);

  const save = useCallback(() => autosaveDispatch({ type: "saveStarted" }), []);

  /** Resolves true once the server has what the editor shows (saving now if needed). */
  const waiters = useRef<((saved: boolean) => void)[]>([]);
  const autosaveRef = useRef(autosave);
  autosaveRef.current = autosave;
  useEffect(() => {
    const done = autosave.status === "saved" ? true : autosave.status === "conflict" || autosave.status === "error" ? false : null;
    if (done === null) return;
    const waiting = waiters.current;
    waiters.current = [];
    for (const resolve of waiting) resolve(done);
  }, [autosave.status]);
  const flush = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        const current = autosaveRef.current;
        if (current.status === "saved") return resolve(true);
        if (current.status === "conflict") return resolve(false);
        waiters.current.push(resolve);
        autosaveDispatch({ type: "saveStarted" });
      }),
    [],
  );

  // One request per snapshot in flight (also under StrictMode's double effects); its answer
  // is applied even if the page re-rendered meanwhile (the reducer ignores a stale one).
  const inFlight = autosave.inFlight;
  const sent = useRef<string | null>(null);
  const expected = useRef(autosave.updatedAt);
  expected.current = autosave.updatedAt;
  useEffect(() => {
    if (inFlight === null || sent.current === inFlight) return;
    sent.current = inFlight;
    const { draft, layout } = JSON.parse(inFlight) as { draft: Definition; layout: unknown };
    void client
      .execute(UPDATE_DRAFT_MUTATION, { id: journeyId, draft, layout, expectedUpdatedAt: expected.current })
      .then((result) => {
        sent.current = null;
        if (result.ok) {
          const data = result.data as { updateJourneyDraft: { journey: { updatedAt: string } } };
          autosaveDispatch({ type: "saveSucceeded", updatedAt: data.updateJourneyDraft.journey.updatedAt });
        } else {
          autosaveDispatch({ type: "saveFailed", code: result.code, at: performance.now() });
        }
      });
  }, [client, inFlight, journeyId]);

  const due = nextSaveAt(autosave);
  useEffect(() => {
    if (due === null) return;
    const timer = window.setTimeout(() => autosaveDispatch({ type: "saveStarted" }), Math.max(0, due - performance.now()));
    return () => window.clearTimeout(timer);
  }, [due]);

  /** Reload the draft another tab saved (the admin's unsaved edits here are dropped). */
  const reloadTheirs = useCallback(async () => {
    const fresh = await queryClient.fetchQuery({
      queryKey: journeyKey(journeyId),
      queryFn: ({ signal }) => client.request<{ journey: EditorJourney | null }>(EDITOR_JOURNEY_QUERY, { id: journeyId }, { signal }),
      staleTime: 0,
    });
    if (fresh.journey) await load(fresh.journey);
  }, [client, journeyId, load, queryClient]);

  /** Keep this tab's draft: overwrite what the other tab saved. */
  const keepMine = useCallback(async () => {
    const fresh = await client.request<{ journey: EditorJourney | null }>(EDITOR_JOURNEY_QUERY, { id: journeyId });
    autosaveDispatch({ type: "keepMine", updatedAt: fresh.journey?.updatedAt ?? null });
  }, [client, journeyId]);

  // Client-side problems at once; the server's journeyValidate after a pause in editing.
  const nodeIds = useMemo(() => new Set(Object.keys(definition.nodes ?? {})), [definition]);
  const clientProblems = useMemo(() => validateDefinition(definition), [definition]);
  const [serverProblems, setServerProblems] = useState<{ field: string; message: string }[]>([]);
  useEffect(() => {
    if (loadedAt === null) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      client
        .request<{ journeyValidate: { field: string; message: string }[] }>(VALIDATE_QUERY, { definition }, { signal: controller.signal })
        .then((data) => setServerProblems(data.journeyValidate))
        .catch(() => undefined);
    }, VALIDATE_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [client, definition, loadedAt]);

  const problems: ShownProblem[] = useMemo(() => {
    const shown: ShownProblem[] = clientProblems.map((p) => ({
      ...problemTarget(p.path, nodeIds),
      text: intl.formatMessage({ id: `editor.problem.${p.code}` }, p.values),
    }));
    for (const p of serverProblems) {
      const target = problemTarget(p.field, nodeIds);
      if (!shown.some((s) => s.nodeId === target.nodeId)) shown.push({ ...target, text: p.message });
    }
    return shown;
  }, [clientProblems, serverProblems, nodeIds, intl]);

  const problemsByNode = useMemo(() => {
    const map = new Map<string | null, string[]>();
    for (const p of problems) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.text]);
    return map;
  }, [problems]);

  // Live counts while the page is visible and the journey runs; changes announced.
  const visibility = useVisible();
  const status = journey?.status ?? "draft";
  const countsQuery = useNodeCounts(journeyId, shouldPoll(visibility, status));
  const counts = useMemo<Map<string, Counts> | null>(
    () => (countsQuery.data?.journey ? countsByNode(countsQuery.data.journey.nodeCounts) : null),
    [countsQuery.data],
  );
  // Each reading of the counts tells the journey's updatedAt: newer than this tab's is a
  // change made elsewhere, warned about before this tab's next save would be refused.
  const seenUpdatedAt = countsQuery.data?.journey?.updatedAt;
  useEffect(() => {
    if (seenUpdatedAt && loadedAt !== null) autosaveDispatch({ type: "seen", updatedAt: seenUpdatedAt });
  }, [seenUpdatedAt, loadedAt]);
  const { refetch: refetchCounts } = countsQuery;
  useEffect(() => {
    if (visibility === "visible") void refetchCounts();
  }, [visibility, refetchCounts]);
  const previousCounts = useRef<Map<string, Counts> | null>(null);
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => {
    if (!counts) return;
    const changes = countChanges(previousCounts.current, counts);
    previousCounts.current = counts;
    if (changes.length > 0) {
      setAnnouncement(
        changes
          .map((c) => intl.formatMessage({ id: "editor.count.changed" }, { node: c.node, kind: intl.formatMessage({ id: `editor.count.${c.kind}` }), count: c.to }))
          .join(" "),
      );
    }
  }, [counts, intl]);

  // The canvas's analytics figures of the last 30 days: one query once the editor has loaded
  // (it never holds the editor up; without an answer the nodes show their counts only).
  const [figuresRange] = useState(() => presetRange("last30", new Date()));
  const nodeAnalytics = useNodeAnalytics(journeyId, figuresRange, loadedAt !== null);
  const nodeTypes = useMemo(
    () => new Map(Object.entries(definition.nodes ?? {}).map(([id, node]) => [id, typeof node.type === "string" ? node.type : ""])),
    [definition],
  );
  const figures = useMemo<Map<string, NodeFigures> | null>(
    () => (nodeAnalytics.data ? nodeFigures(nodeAnalytics.data, (id) => nodeTypes.get(id)) : null),
    [nodeAnalytics.data, nodeTypes],
  );

  /** The journey's updatedAt after this tab published it or made a trigger secret. */
  const rebase = useCallback((updatedAt: string) => autosaveDispatch({ type: "rebased", updatedAt }), []);

  return {
    rebase,
    journeyQuery,
    journey,
    loaded: loadedAt !== null,
    state,
    dispatch,
    definition,
    layout: () => docLayout(state.doc),
    autosave,
    save,
    flush,
    reloadTheirs,
    keepMine,
    problems,
    problemsByNode,
    counts,
    figures,
    refetchCounts: countsQuery.refetch,
    announcement,
  };
};
