/**
 * The editor's state: the canvas document, the selection and the undo history. Every edit is
 * an action; an edit carrying a `group` (a drag of one node, typing in one field) joins the
 * step before it while the group stays open, so undo takes back the whole drag or burst of
 * typing. A drag's group closes when the drag ends; a typing group after `TYPING_GAP_MS`
 * without a keystroke (the time comes with the action: the reducer stays pure). Positions
 * change only by the admin's hand or `tidy`: inserting places the new node, never moves others.
 */
import { ENTRY_SPECS, NODE_SPECS, branchIndex, idPrefix, outputsOf } from "./catalogue";
import type { CanvasEdge, CanvasNode, EditorDoc } from "./convert";
import { ENTRY_ID, NODE_HEIGHT, NODE_WIDTH, edgeId, stepType } from "./convert";
import type { EntryType, JsonObject, NodeType, Position } from "./types";
import { isNodeType } from "./types";

export const HISTORY_LIMIT = 100;
export const TYPING_GAP_MS = 1000;
export const NODE_GAP_Y = 140;

export type Selection = { kind: "node"; id: string } | { kind: "edge"; id: string } | null;

export type EditorState = {
  doc: EditorDoc;
  selection: Selection;
  past: EditorDoc[];
  future: EditorDoc[];
  /** The open coalescing group and the time of its last action. */
  group: { key: string; at: number } | null;
};

export type Action =
  | { type: "load"; doc: EditorDoc }
  | { type: "select"; selection: Selection }
  /** Clears the selection if it is one of these (xyflow reports deselections separately). */
  | { type: "deselect"; kind: "node" | "edge"; ids: string[] }
  | { type: "addNode"; nodeType: NodeType; position: Position }
  | { type: "insertAfter"; nodeType: NodeType; afterId: string }
  | { type: "insertOnEdge"; nodeType: NodeType; edgeId: string }
  /** `config`: a preconfigured entry (a commerce trigger's), replacing the current one. */
  | { type: "setEntry"; entryType: EntryType; position?: Position; config?: JsonObject }
  | { type: "connect"; source: string; sourceHandle: string; target: string }
  | { type: "deleteEdge"; edgeId: string }
  | { type: "deleteNode"; id: string }
  | { type: "configure"; id: string; config: JsonObject; at: number; field?: string }
  | { type: "setExtras"; extras: JsonObject; at: number; field?: string }
  | { type: "move"; id: string; position: Position; dragging: boolean }
  | { type: "tidy"; positions: Record<string, Position> }
  | { type: "undo" }
  | { type: "redo" };

export const initialState = (doc: EditorDoc): EditorState => ({ doc, selection: null, past: [], future: [], group: null });

/** A new node id from its type: `send-email-1`, `send-email-2`, ... (unused ones only). */
export const newNodeId = (doc: EditorDoc, type: NodeType): string => {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const prefix = idPrefix(type);
  let n = 1;
  while (taken.has(`${prefix}-${n}`)) n += 1;
  return `${prefix}-${n}`;
};

const GAP = 24;

/**
 * Where a new node goes: the spot asked for if no node covers it, else the nearest free one
 * beside it (right, left, further out). The other nodes stay where the admin put them.
 */
export const freeSpot = (doc: EditorDoc, wanted: Position): Position => {
  const overlaps = (p: Position) =>
    doc.nodes.some(
      (n) => Math.abs(n.position.x - p.x) < NODE_WIDTH + GAP && Math.abs(n.position.y - p.y) < NODE_HEIGHT + GAP,
    );
  for (let step = 0; step < 50; step += 1) {
    const offset = Math.ceil(step / 2) * (NODE_WIDTH + GAP) * (step % 2 === 1 ? 1 : -1);
    const candidate = { x: wanted.x + offset, y: wanted.y };
    if (!overlaps(candidate)) return candidate;
  }
  return wanted;
};

const newStep = (doc: EditorDoc, type: NodeType, position: Position): CanvasNode => ({
  id: newNodeId(doc, type),
  type: "step",
  position,
  data: { kind: "node", config: { type, ...NODE_SPECS[type].defaults() } },
});

/** The first output of a node (where an inserted node's path continues), if it has one. */
const firstHandle = (node: CanvasNode): string | null => {
  if (node.id === ENTRY_ID) return "start";
  const type = stepType(node);
  if (!isNodeType(type)) return null;
  return outputsOf(type, node.data.config)[0]?.handle ?? null;
};

const withEdge = (edges: CanvasEdge[], source: string, sourceHandle: string, target: string): CanvasEdge[] => [
  ...edges.filter((e) => !(e.source === source && e.sourceHandle === sourceHandle)),
  { id: edgeId(source, sourceHandle), source, sourceHandle, target },
];

const dropDangling = (node: CanvasNode, handle: string): CanvasNode => {
  if (!node.data.dangling || !(handle in node.data.dangling)) return node;
  const { [handle]: _gone, ...rest } = node.data.dangling;
  const { dangling: _old, ...data } = node.data;
  return { ...node, data: Object.keys(rest).length === 0 ? data : { ...data, dangling: rest } };
};

const mapNode = (doc: EditorDoc, id: string, change: (node: CanvasNode) => CanvasNode): EditorDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? change(n) : n)),
});

/** Put `node` between `source`'s output `handle` and whatever it led to. */
const insertBetween = (doc: EditorDoc, source: string, handle: string, node: CanvasNode): EditorDoc => {
  const old = doc.edges.find((e) => e.source === source && e.sourceHandle === handle);
  let edges = withEdge(doc.edges, source, handle, node.id);
  const out = firstHandle(node);
  if (old && out) edges = withEdge(edges, node.id, out, old.target);
  return { ...mapNode({ ...doc, nodes: [...doc.nodes, node] }, source, (n) => dropDangling(n, handle)), edges };
};

type Edit = { doc: EditorDoc; selection?: Selection; group?: { key: string; at: number } | null };

/** The definition's limit (definition.py MAX_NODES); the layout the server keeps has room for no more. */
export const MAX_STEPS = 100;

export const isFull = (doc: EditorDoc): boolean => doc.nodes.filter((n) => n.data.kind === "node").length >= MAX_STEPS;

const edit = (state: EditorState, action: Action): Edit | null => {
  const { doc } = state;
  if ((action.type === "addNode" || action.type === "insertAfter" || action.type === "insertOnEdge") && isFull(doc)) {
    return null;
  }
  switch (action.type) {
    case "addNode": {
      const node = newStep(doc, action.nodeType, action.position);
      return { doc: { ...doc, nodes: [...doc.nodes, node] }, selection: { kind: "node", id: node.id } };
    }
    case "insertAfter": {
      const after = doc.nodes.find((n) => n.id === action.afterId);
      const handle = after && firstFreeOrFirst(doc, after);
      if (!after || !handle) return null;
      const node = newStep(doc, action.nodeType, freeSpot(doc, { x: after.position.x, y: after.position.y + NODE_GAP_Y }));
      return { doc: insertBetween(doc, after.id, handle, node), selection: { kind: "node", id: node.id } };
    }
    case "insertOnEdge": {
      const edge = doc.edges.find((e) => e.id === action.edgeId);
      const source = edge && doc.nodes.find((n) => n.id === edge.source);
      const target = edge && doc.nodes.find((n) => n.id === edge.target);
      if (!edge || !source || !target) return null;
      const position = { x: (source.position.x + target.position.x) / 2, y: (source.position.y + target.position.y) / 2 };
      const node = newStep(doc, action.nodeType, freeSpot(doc, position));
      return { doc: insertBetween(doc, edge.source, edge.sourceHandle, node), selection: { kind: "node", id: node.id } };
    }
    case "setEntry": {
      const config = { type: action.entryType, ...(action.config ?? ENTRY_SPECS[action.entryType].defaults()) };
      const existing = doc.nodes.find((n) => n.id === ENTRY_ID);
      if (existing) {
        if (stepType(existing) === action.entryType && !action.config) return { doc, selection: { kind: "node", id: ENTRY_ID } };
        return { doc: mapNode(doc, ENTRY_ID, (n) => ({ ...n, data: { ...n.data, config } })), selection: { kind: "node", id: ENTRY_ID } };
      }
      const { start, ...extras } = doc.extras;
      const entry: CanvasNode = {
        id: ENTRY_ID,
        type: "entry",
        position: action.position ?? { x: 0, y: -NODE_GAP_Y },
        data: { kind: "entry", config },
      };
      const edges =
        typeof start === "string" && doc.nodes.some((n) => n.id === start)
          ? withEdge(doc.edges, ENTRY_ID, "start", start)
          : doc.edges;
      return { doc: { ...doc, extras, nodes: [entry, ...doc.nodes], edges }, selection: { kind: "node", id: ENTRY_ID } };
    }
    case "connect": {
      const { source, sourceHandle, target } = action;
      const from = doc.nodes.find((n) => n.id === source);
      if (!from || target === ENTRY_ID || !doc.nodes.some((n) => n.id === target)) return null;
      const current = doc.edges.find((e) => e.source === source && e.sourceHandle === sourceHandle);
      if (current?.target === target) return null;
      return {
        doc: { ...mapNode(doc, source, (n) => dropDangling(n, sourceHandle)), edges: withEdge(doc.edges, source, sourceHandle, target) },
        selection: { kind: "edge", id: edgeId(source, sourceHandle) },
      };
    }
    case "deleteEdge": {
      if (!doc.edges.some((e) => e.id === action.edgeId)) return null;
      return { doc: { ...doc, edges: doc.edges.filter((e) => e.id !== action.edgeId) }, selection: null };
    }
    case "deleteNode": {
      if (!doc.nodes.some((n) => n.id === action.id)) return null;
      return {
        doc: {
          ...doc,
          nodes: doc.nodes.filter((n) => n.id !== action.id),
          edges: doc.edges.filter((e) => e.source !== action.id && e.target !== action.id),
        },
        selection: null,
      };
    }
    case "configure": {
      const node = doc.nodes.find((n) => n.id === action.id);
      if (!node) return null;
      let next = mapNode(doc, action.id, (n) => ({ ...n, data: { ...n.data, config: action.config } }));
      if (action.config.type === "split") {
        const count = Array.isArray(action.config.branches) ? action.config.branches.length : 0;
        next = {
          ...next,
          edges: next.edges.filter((e) => {
            const index = e.source === action.id ? branchIndex(e.sourceHandle) : null;
            return index === null || index < count;
          }),
        };
      }
      return { doc: next, group: { key: `configure:${action.id}:${action.field ?? ""}`, at: action.at } };
    }
    case "setExtras":
      return { doc: { ...doc, extras: action.extras }, group: { key: `extras:${action.field ?? ""}`, at: action.at } };
    case "move": {
      const node = doc.nodes.find((n) => n.id === action.id);
      if (!node) return null;
      if (node.position.x === action.position.x && node.position.y === action.position.y && !action.dragging) {
        return { doc, group: null };
      }
      return {
        doc: mapNode(doc, action.id, (n) => ({ ...n, position: action.position })),
        group: action.dragging ? { key: `drag:${action.id}`, at: 0 } : null,
      };
    }
    case "tidy":
      return {
        doc: { ...doc, nodes: doc.nodes.map((n) => (action.positions[n.id] ? { ...n, position: action.positions[n.id]! } : n)) },
      };
    default:
      return null;
  }
};

/** The output to insert on after a node: its first unconnected one, else its first. */
const firstFreeOrFirst = (doc: EditorDoc, node: CanvasNode): string | null => {
  const handles =
    node.id === ENTRY_ID
      ? ["start"]
      : isNodeType(stepType(node))
        ? outputsOf(stepType(node) as NodeType, node.data.config).map((o) => o.handle)
        : [];
  const used = new Set(doc.edges.filter((e) => e.source === node.id).map((e) => e.sourceHandle));
  return handles.find((h) => !used.has(h)) ?? handles[0] ?? null;
};

/** Whether an action continues the open group (no new undo step). */
const continues = (state: EditorState, group: { key: string; at: number } | null | undefined, action: Action): boolean => {
  if (!group || !state.group || state.group.key !== group.key) return false;
  if (action.type === "move") return true;
  return group.at - state.group.at <= TYPING_GAP_MS;
};

export const editorReducer = (state: EditorState, action: Action): EditorState => {
  switch (action.type) {
    case "load":
      return initialState(action.doc);
    case "select":
      return { ...state, selection: action.selection, group: null };
    case "deselect": {
      const { selection } = state;
      if (!selection || selection.kind !== action.kind || !action.ids.includes(selection.id)) return state;
      return { ...state, selection: null, group: null };
    }
    case "undo": {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return { ...state, doc: previous, past: state.past.slice(0, -1), future: [state.doc, ...state.future], group: null, selection: keepSelection(previous, state.selection) };
    }
    case "redo": {
      const [next, ...future] = state.future;
      if (!next) return state;
      return { ...state, doc: next, past: [...state.past, state.doc].slice(-HISTORY_LIMIT), future, group: null, selection: keepSelection(next, state.selection) };
    }
    default: {
      const result = edit(state, action);
      if (!result) return state;
      const group = result.group ?? null;
      const sameStep = continues(state, group, action);
      const moveEnd = action.type === "move" && !action.dragging;
      if (result.doc === state.doc) {
        return { ...state, selection: result.selection ?? state.selection, group: moveEnd ? null : state.group };
      }
      // The end of a drag joins the drag's step (the position of the last frame).
      const joins = sameStep || (moveEnd && state.group?.key === `drag:${action.id}`);
      return {
        doc: result.doc,
        selection: result.selection !== undefined ? result.selection : keepSelection(result.doc, state.selection),
        past: joins ? state.past : [...state.past, state.doc].slice(-HISTORY_LIMIT),
        future: [],
        group,
      };
    }
  }
};

const keepSelection = (doc: EditorDoc, selection: Selection): Selection => {
  if (!selection) return null;
  const exists = selection.kind === "node" ? doc.nodes.some((n) => n.id === selection.id) : doc.edges.some((e) => e.id === selection.id);
  return exists ? selection : null;
};

export const canUndo = (state: EditorState): boolean => state.past.length > 0;
export const canRedo = (state: EditorState): boolean => state.future.length > 0;
