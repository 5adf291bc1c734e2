/**
 * Tidy-up: a top-down dagre layout of the whole graph, run only when the admin asks (or for
 * nodes that have no saved position yet, e.g. a definition written by hand or by the API).
 * Positions are top-left corners, as @xyflow/react places nodes. The page imports this module
 * (and dagre) only when it needs it, so opening a journey with a saved layout does not load it.
 */
import { Graph, layout } from "@dagrejs/dagre";

import { type EditorDoc, NODE_HEIGHT, NODE_WIDTH } from "./convert";
import type { Position } from "./types";

export { NODE_HEIGHT, NODE_WIDTH };

export const tidyPositions = (doc: EditorDoc): Record<string, Position> => {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 64, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) {
    graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  for (const edge of doc.edges) {
    graph.setEdge(edge.source, edge.target, {}, edge.id);
  }
  layout(graph);
  return Object.fromEntries(
    doc.nodes.map((node) => {
      const placed = graph.node(node.id) as { x: number; y: number };
      return [node.id, { x: Math.round(placed.x - NODE_WIDTH / 2), y: Math.round(placed.y - NODE_HEIGHT / 2) }];
    }),
  );
};

/** Positions for the nodes listed (those without a saved one); every other node keeps its own. */
export const placeMissing = (doc: EditorDoc, missing: readonly string[]): EditorDoc => {
  if (missing.length === 0) return doc;
  const positions = tidyPositions(doc);
  const wanted = new Set(missing);
  return {
    ...doc,
    nodes: doc.nodes.map((node) => (wanted.has(node.id) && positions[node.id] ? { ...node, position: positions[node.id]! } : node)),
  };
};
