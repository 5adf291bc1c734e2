/**
 * Definition <-> canvas. The canvas holds one node per journey node plus the entry (id
 * `ENTRY_ID`, which no journey node id can take: ids are letters, digits, `_` and `-`), and
 * one edge per connected output (`sourceHandle` names it: `next`, `yes`, `no`, `on_event`,
 * `on_timeout`, `branch-<i>`; the entry's is `start`). A node's configuration is everything
 * but its outputs, so converting back gives the same JSON: an output that names no node
 * (a half-edited draft) is kept as `dangling`, a value that is not a node id stays in the
 * configuration, and unknown types pass through untouched.
 */
import { OUTPUT_FIELDS, branchHandle, branchIndex } from "./catalogue";
import type { Definition, Json, JsonObject, Layout, Position, RawStep } from "./types";
import { isNodeType, isObject } from "./types";

export const ENTRY_ID = "@entry";
/** A node's size on the canvas (the tidy-up lays nodes out with it). */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 96;
/** The entry's key in the saved layout. */
export const LAYOUT_ENTRY_KEY = "entry";

export type StepData = {
  kind: "entry" | "node";
  /** The step as stored, outputs left out (`type` included). */
  config: JsonObject;
  /** Outputs naming a node that does not exist, by handle. */
  dangling?: { [handle: string]: string };
};

export type CanvasNode = { id: string; type: "entry" | "step"; position: Position; data: StepData };
export type CanvasEdge = { id: string; source: string; sourceHandle: string; target: string };

export type EditorDoc = {
  /** The definition's other keys (version, reentry, goal, holdout_percent, ...). */
  extras: JsonObject;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** Whether the definition had a `nodes` key (an empty draft `{}` has none). */
  hasNodesKey: boolean;
};

export const edgeId = (source: string, handle: string): string => `${source}:${handle}`;

export const stepType = (node: CanvasNode): string => {
  const type = node.data.config.type;
  return typeof type === "string" ? type : "";
};

const ORIGIN: Position = { x: 0, y: 0 };

/** Outputs of one stored node: its configuration without them, and (handle, value) pairs. */
const splitOutputs = (raw: RawStep): { config: JsonObject; outputs: [string, string][] } => {
  const type = raw.type;
  if (!isNodeType(type)) {
    return { config: { ...raw }, outputs: [] };
  }
  const config: JsonObject = { ...raw };
  const outputs: [string, string][] = [];
  if (type === "split") {
    if (Array.isArray(raw.branches)) {
      config.branches = raw.branches.map((branch, index) => {
        if (isObject(branch) && typeof branch.next === "string") {
          const { next, ...rest } = branch;
          outputs.push([branchHandle(index), next]);
          return rest;
        }
        return branch;
      });
    }
    return { config, outputs };
  }
  for (const field of OUTPUT_FIELDS[type]) {
    const value = raw[field];
    if (typeof value === "string") {
      delete config[field];
      outputs.push([field, value]);
    }
  }
  return { config, outputs };
};

export type Loaded = { doc: EditorDoc; missingPositions: string[] };

export const definitionToDoc = (definition: Definition, layout: Layout = {}): Loaded => {
  const { entry, start, nodes: rawNodes, ...extras } = definition;
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [];
  const missingPositions: string[] = [];
  const stored = isObject(rawNodes) ? (rawNodes as { [id: string]: Json }) : {};
  const position = (id: string, key: string): Position => {
    const found = layout[key];
    if (found && Number.isFinite(found.x) && Number.isFinite(found.y)) {
      return { x: found.x, y: found.y };
    }
    missingPositions.push(id);
    return ORIGIN;
  };
  const connect = (source: string, handle: string, target: string, data: StepData) => {
    if (target in stored) {
      edges.push({ id: edgeId(source, handle), source, sourceHandle: handle, target });
    } else {
      data.dangling = { ...data.dangling, [handle]: target };
    }
  };

  if (entry !== undefined && !isObject(entry)) {
    extras.entry = entry;
  }
  if (isObject(entry)) {
    const data: StepData = { kind: "entry", config: { ...entry } };
    nodes.push({ id: ENTRY_ID, type: "entry", position: position(ENTRY_ID, LAYOUT_ENTRY_KEY), data });
    if (typeof start === "string") {
      connect(ENTRY_ID, "start", start, data);
    } else if (start !== undefined) {
      extras.start = start;
    }
  } else if (start !== undefined) {
    extras.start = start;
  }
  if (rawNodes !== undefined && !isObject(rawNodes)) {
    extras.nodes = rawNodes;
  }
  for (const [id, raw] of Object.entries(stored)) {
    const { config, outputs } = splitOutputs(isObject(raw) ? raw : {});
    const data: StepData = { kind: "node", config };
    nodes.push({ id, type: "step", position: position(id, id), data });
    for (const [handle, target] of outputs) {
      connect(id, handle, target, data);
    }
  }
  return {
    doc: { extras, nodes, edges, hasNodesKey: isObject(rawNodes) },
    missingPositions,
  };
};

const targetsOf = (doc: EditorDoc, node: CanvasNode): Map<string, string> => {
  const targets = new Map<string, string>(Object.entries(node.data.dangling ?? {}));
  for (const edge of doc.edges) {
    if (edge.source === node.id) {
      targets.set(edge.sourceHandle, edge.target);
    }
  }
  return targets;
};

const joinOutputs = (config: JsonObject, targets: Map<string, string>): RawStep => {
  const step: JsonObject = { ...config };
  if (config.type === "split" && Array.isArray(config.branches)) {
    step.branches = config.branches.map((branch, index) => {
      const target = targets.get(branchHandle(index));
      return target !== undefined && isObject(branch) ? { ...branch, next: target } : branch;
    });
    return step;
  }
  for (const [handle, target] of targets) {
    if (branchIndex(handle) === null) {
      step[handle] = target;
    }
  }
  return step;
};

export const docToDefinition = (doc: EditorDoc): Definition => {
  const definition: Definition = { ...doc.extras };
  const nodes: { [id: string]: RawStep } = {};
  for (const node of doc.nodes) {
    const targets = targetsOf(doc, node);
    if (node.data.kind === "entry") {
      definition.entry = { ...node.data.config };
      const start = targets.get("start");
      if (start !== undefined) {
        definition.start = start;
      }
    } else {
      nodes[node.id] = joinOutputs(node.data.config, targets);
    }
  }
  if (doc.hasNodesKey || Object.keys(nodes).length > 0) {
    definition.nodes = nodes;
  }
  return definition;
};

export const docLayout = (doc: EditorDoc): Layout =>
  Object.fromEntries(
    doc.nodes.map((node) => [node.id === ENTRY_ID ? LAYOUT_ENTRY_KEY : node.id, { x: node.position.x, y: node.position.y }]),
  );

/** The canvas ids a definition's node ids map to (the entry's is `ENTRY_ID`). */
export const entryNode = (doc: EditorDoc): CanvasNode | undefined => doc.nodes.find((node) => node.id === ENTRY_ID);
