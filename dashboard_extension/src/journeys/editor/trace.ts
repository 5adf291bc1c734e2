/**
 * A test run's path on the canvas (`journeyTest`): the nodes it reached, in order, and the
 * edges between consecutive ones, so the page highlights exactly the way taken.
 */
import type { CanvasEdge } from "./convert";
import { ENTRY_ID } from "./convert";

export type TraceStep = { node: string; kind: string; at: string; detail?: unknown };

export type TracePath = { nodes: Set<string>; edges: Set<string>; order: string[] };

export const tracePath = (steps: readonly TraceStep[], edges: readonly CanvasEdge[]): TracePath => {
  const order: string[] = [];
  for (const step of steps) {
    if (order[order.length - 1] !== step.node) order.push(step.node);
  }
  const visited = order.length > 0 ? [ENTRY_ID, ...order] : [];
  const taken = new Set<string>();
  for (let i = 1; i < visited.length; i += 1) {
    const from = visited[i - 1];
    const to = visited[i];
    // A node reached twice in a row through a wait's loop still has one edge to light.
    const edge = edges.find((e) => e.source === from && e.target === to);
    if (edge) taken.add(edge.id);
  }
  return { nodes: new Set(order), edges: taken, order };
};
