import "@xyflow/react/dist/style.css";

import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useIntl } from "react-intl";

import { ENTRY_SPECS, NODE_SPECS, branchIndex } from "./catalogue";
import { commerceEntry, commerceTrigger } from "./commerce";
import { THRESHOLD_TRIGGER, thresholdEntry } from "./date-entries";
import { programmeEntry, programmeTrigger } from "./programme-triggers";
import { signupEntry, signupTrigger } from "./signup-triggers";
import type { NodeFigures } from "../../analytics/node-figures";
import type { Counts } from "./counts";
import type { CanvasEdge, CanvasNode, EditorDoc } from "./convert";
import { ENTRY_ID } from "./convert";
import type { Action, Selection } from "./reducer";
import { type StepFlowNode, nodeTypes } from "./step-node";
import type { EntryType, JsonObject, NodeType } from "./types";
import { isEntryType, isNodeType } from "./types";

export const DRAG_MIME = "application/x-mautomation-step";

export type CanvasProps = {
  doc: EditorDoc;
  selection: Selection;
  dispatch: (action: Action) => void;
  problems: Map<string | null, string[]>;
  counts: Map<string, Counts> | null;
  /** analytics figures per node id (send and split nodes), when they have loaded */
  figures?: Map<string, NodeFigures> | null;
  traced: { nodes: Set<string>; edges: Set<string> } | null;
  readOnly?: boolean;
  label: string;
  testId: string;
  /** When it changes (the canvas got narrower or wider by the admin's choice, e.g. the live
   * version shown beside it), the view fits the journey again; node positions never move. */
  refitKey?: unknown;
};

type Dimensions = Record<string, { width: number; height: number }>;

/** The same array as last time while its items are the same (a drag changes positions only). */
const useShallowStable = <T,>(items: T[]): T[] => {
  const last = useRef(items);
  if (last.current.length !== items.length || last.current.some((item, i) => item !== items[i])) last.current = items;
  return last.current;
};

const edgeLabel = (edge: CanvasEdge, configs: Map<string, JsonObject>, format: (id: string, values?: Record<string, number>) => string) => {
  const index = branchIndex(edge.sourceHandle);
  if (index !== null) {
    const branches = configs.get(edge.source)?.branches;
    const branch = Array.isArray(branches) ? branches[index] : undefined;
    const percent = branch && typeof branch === "object" && !Array.isArray(branch) ? branch.percent : undefined;
    return format("editor.output.branch", { percent: typeof percent === "number" ? percent : 0 });
  }
  return ["yes", "no", "on_event", "on_timeout"].includes(edge.sourceHandle) ? format(`editor.output.${edge.sourceHandle}`) : undefined;
};

/**
 * The journey on an @xyflow/react canvas, controlled by the editor's reducer: a drag moves
 * a node (one undo step per drag), a connection sets an output, Delete removes the selection,
 * and a palette item dropped on it adds that step where it was dropped.
 */
export const Canvas = ({ doc, selection, dispatch, problems, counts, figures = null, traced, readOnly = false, label, testId, refitKey }: CanvasProps) => {
  const intl = useIntl();
  const flow = useReactFlow();
  const firstRefitKey = useRef(refitKey);
  useEffect(() => {
    if (refitKey === firstRefitKey.current) return;
    firstRefitKey.current = refitKey;
    // after the layout change has sized the canvas
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1 }));
    return () => cancelAnimationFrame(frame);
  }, [refitKey, flow]);
  const [dimensions, setDimensions] = useState<Dimensions>({});
  // Fit a loaded journey into view once; an empty canvas keeps its origin, so a drop lands
  // where it was dropped and the view does not jump when the first node appears.
  const [fitOnce] = useState(() => doc.nodes.length > 0);
  const cache = useRef(new Map<string, { source: CanvasNode; key: string; node: StepFlowNode }>());
  const format = useCallback((id: string, values?: Record<string, number>) => intl.formatMessage({ id }, values), [intl]);
  const typeLabel = useCallback(
    (node: CanvasNode) => {
      const type = node.data.config.type;
      const spec = node.id === ENTRY_ID ? (isEntryType(type) ? ENTRY_SPECS[type] : null) : isNodeType(type) ? NODE_SPECS[type] : null;
      return spec ? intl.formatMessage({ id: spec.labelId }) : String(type ?? "");
    },
    [intl],
  );
  const nameOf = useCallback((id: string) => (id === ENTRY_ID ? intl.formatMessage({ id: "editor.entry" }) : id), [intl]);

  const nodes = useMemo(() => {
    const next = new Map<string, { source: CanvasNode; key: string; node: StepFlowNode }>();
    const result = doc.nodes.map((source) => {
      const nodeProblems = problems.get(source.id) ?? [];
      const nodeCounts = counts ? (counts.get(source.id === ENTRY_ID ? "entry" : source.id) ?? null) : null;
      const selected = selection?.kind === "node" && selection.id === source.id;
      const measured = dimensions[source.id];
      const isTraced = traced?.nodes.has(source.id) ?? false;
      const nodeFigures = figures?.get(source.id) ?? null;
      const key = JSON.stringify([nodeProblems, nodeCounts, nodeFigures, selected, measured, isTraced, readOnly]);
      const cached = cache.current.get(source.id);
      if (cached && cached.source === source && cached.key === key) {
        next.set(source.id, cached);
        return cached.node;
      }
      const node: StepFlowNode = {
        id: source.id,
        type: source.type,
        position: source.position,
        selected,
        draggable: !readOnly,
        deletable: !readOnly,
        ariaLabel: intl.formatMessage(
          { id: nodeProblems.length ? "editor.node.labelWithProblems" : "editor.node.label" },
          { type: typeLabel(source), id: source.id === ENTRY_ID ? intl.formatMessage({ id: "editor.entry" }) : source.id, problems: nodeProblems.join("; ") },
        ),
        data: { kind: source.data.kind, config: source.data.config, counts: nodeCounts, figures: nodeFigures, problems: nodeProblems, traced: isTraced, readOnly },
        ...(measured ? { measured } : {}),
      };
      next.set(source.id, { source, key, node });
      return node;
    });
    cache.current = next;
    return result;
  }, [doc.nodes, problems, counts, figures, selection, dimensions, traced, readOnly, intl, typeLabel]);

  // Edges change with the graph, never with a drag: xyflow does not redraw them every frame.
  const datas = useShallowStable(doc.nodes.map((n) => n.data));
  const ids = useShallowStable(doc.nodes.map((n) => n.id));
  const configs = useMemo(() => new Map(ids.map((id, i) => [id, datas[i]!.config])), [ids, datas]);
  const edges = useMemo<Edge[]>(
    () =>
      doc.edges.map((edge) => {
        const isTraced = traced?.edges.has(edge.id) ?? false;
        const text = edgeLabel(edge, configs, format);
        return {
          id: edge.id,
          source: edge.source,
          sourceHandle: edge.sourceHandle,
          target: edge.target,
          selected: selection?.kind === "edge" && selection.id === edge.id,
          deletable: !readOnly,
          animated: isTraced,
          markerEnd: { type: MarkerType.ArrowClosed },
          ariaLabel: intl.formatMessage({ id: "editor.edge.label" }, { source: nameOf(edge.source), output: text ?? format("editor.output.next"), target: edge.target }),
          ...(text ? { label: text } : {}),
          ...(isTraced ? { style: { strokeWidth: 3 } } : {}),
        };
      }),
    [doc.edges, configs, selection, traced, readOnly, format, intl, nameOf],
  );

  /** A click selects one element: xyflow reports it with the others' deselection, in any order. */
  const applySelection = useCallback(
    (kind: "node" | "edge", changes: { id: string; selected: boolean }[]) => {
      const chosen = changes.find((c) => c.selected);
      if (chosen) dispatch({ type: "select", selection: { kind, id: chosen.id } });
      else dispatch({ type: "deselect", kind, ids: changes.map((c) => c.id) });
    },
    [dispatch],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepFlowNode>[]) => {
      const sized: Dimensions = {};
      const selecting: { id: string; selected: boolean }[] = [];
      for (const change of changes) {
        if (change.type === "dimensions" && change.dimensions) {
          sized[change.id] = change.dimensions;
        } else if (change.type === "select") {
          selecting.push(change);
        } else if (readOnly) {
          continue;
        } else if (change.type === "position" && change.position) {
          dispatch({ type: "move", id: change.id, position: change.position, dragging: change.dragging ?? false });
        } else if (change.type === "position" && change.dragging === false) {
          const node = doc.nodes.find((n) => n.id === change.id);
          if (node) dispatch({ type: "move", id: change.id, position: node.position, dragging: false });
        } else if (change.type === "remove") {
          dispatch({ type: "deleteNode", id: change.id });
        }
      }
      if (selecting.length > 0) applySelection("node", selecting);
      if (Object.keys(sized).length > 0) setDimensions((old) => ({ ...old, ...sized }));
    },
    [applySelection, dispatch, doc.nodes, readOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selecting: { id: string; selected: boolean }[] = [];
      for (const change of changes) {
        if (change.type === "select") selecting.push(change);
        else if (change.type === "remove" && !readOnly) dispatch({ type: "deleteEdge", edgeId: change.id });
      }
      if (selecting.length > 0) applySelection("edge", selecting);
    },
    [applySelection, dispatch, readOnly],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      if (connection.sourceHandle) {
        dispatch({ type: "connect", source: connection.source, sourceHandle: connection.sourceHandle, target: connection.target });
      }
    },
    [dispatch],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(DRAG_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const item = event.dataTransfer.getData(DRAG_MIME);
      if (!item || readOnly) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const [kind, type, trigger] = item.split(":");
      const preset = trigger ? commerceTrigger(trigger) : null; // a commerce trigger's event entry
      const programme = trigger ? programmeTrigger(trigger) : null; // a survey's or draw's event entry
      const threshold = trigger === THRESHOLD_TRIGGER ? thresholdEntry() : null; // a line crossed
      const signup = trigger ? signupTrigger(trigger) : null; // a sign-up's event entry
      const config = preset
        ? commerceEntry(preset)
        : programme
          ? programmeEntry(programme)
          : signup
            ? signupEntry(signup)
            : threshold;
      if (kind === "entry") dispatch({ type: "setEntry", entryType: type as EntryType, position, ...(config ? { config } : {}) });
      else dispatch({ type: "addNode", nodeType: type as NodeType, position });
    },
    [dispatch, flow, readOnly],
  );

  return (
    <div style={{ width: "100%", height: "100%" }} data-testid={testId} aria-label={label} role="region">
      <ReactFlow<StepFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={readOnly ? undefined : onConnect}
        onDragOver={onDragOver}
        onDrop={onDrop}
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        elementsSelectable
        nodesFocusable
        edgesFocusable
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        multiSelectionKeyCode={null}
        selectionKeyCode={null}
        fitView={fitOnce}
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
};
