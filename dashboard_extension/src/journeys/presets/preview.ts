/**
 * A small static picture of a journey's graph (the presets gallery): boxes at the
 * layout's positions, an arrow per output. No canvas library: plain SVG geometry.
 */

export type Point = { x: number; y: number };
export type PreviewNode = { id: string; type: string; x: number; y: number };
export type PreviewEdge = { from: string; to: string };
export type Preview = {
  nodes: PreviewNode[];
  edges: PreviewEdge[];
  viewBox: { x: number; y: number; width: number; height: number };
};

export const NODE_WIDTH = 110;
export const NODE_HEIGHT = 40;
export const ROW_GAP = 140;
const PADDING = 12;

export const ENTRY_ID = "entry";

type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The node ids a step leads to: next, yes/no, on_event/on_timeout, each split branch. */
export const outputsOf = (node: JsonRecord): string[] => {
  const targets: unknown[] = [node.next, node.yes, node.no, node.on_event, node.on_timeout];

  if (Array.isArray(node.branches)) {
    targets.push(...node.branches.map((branch) => (isRecord(branch) ? branch.next : undefined)));
  }

  return targets.filter((target): target is string => typeof target === "string" && target.length > 0);
};

const positionOf = (layout: JsonRecord, id: string): Point | null => {
  const position = layout[id];

  return isRecord(position) && typeof position.x === "number" && typeof position.y === "number"
    ? { x: position.x, y: position.y }
    : null;
};

/**
 * The preview of a definition and its layout. A step without a position goes below the
 * others; an output naming no step is left out.
 */
export const previewGraph = (definition: unknown, layout: unknown): Preview => {
  const steps = isRecord(definition) && isRecord(definition.nodes) ? definition.nodes : {};
  const positions = isRecord(layout) ? layout : {};
  const ids = Object.keys(steps);
  const placed: PreviewNode[] = [];
  const unplaced: { id: string; type: string }[] = [];

  for (const [id, type] of [[ENTRY_ID, ENTRY_ID] as const, ...ids.map((id) => [id, typeOf(steps[id])] as const)]) {
    const position = positionOf(positions, id);

    if (position) {
      placed.push({ id, type, ...position });
    } else {
      unplaced.push({ id, type });
    }
  }

  const lowest = placed.reduce((max, node) => Math.max(max, node.y), -ROW_GAP);
  const nodes = [
    ...placed,
    ...unplaced.map((node, index) => ({ ...node, x: 0, y: lowest + ROW_GAP * (index + 1) })),
  ];

  const known = new Set(ids);
  const start = isRecord(definition) && typeof definition.start === "string" ? definition.start : null;
  const edges: PreviewEdge[] = [
    ...(start && known.has(start) ? [{ from: ENTRY_ID, to: start }] : []),
    ...ids.flatMap((id) => {
      const step = steps[id];

      return isRecord(step) ? outputsOf(step).filter((to) => known.has(to)).map((to) => ({ from: id, to })) : [];
    }),
  ];

  const xs = nodes.map((node) => node.x);
  const ys = nodes.map((node) => node.y);
  const minX = Math.min(...xs) - PADDING;
  const minY = Math.min(...ys) - PADDING;

  return {
    nodes,
    edges,
    viewBox: {
      x: minX,
      y: minY,
      width: Math.max(...xs) + NODE_WIDTH + PADDING - minX,
      height: Math.max(...ys) + NODE_HEIGHT + PADDING - minY,
    },
  };
};

function typeOf(step: unknown): string {
  return isRecord(step) && typeof step.type === "string" ? step.type : "unknown";
}

/** An edge from the bottom middle of one box to the top middle of another. */
export const edgePath = (from: Point, to: Point): string => {
  const x1 = from.x + NODE_WIDTH / 2;
  const y1 = from.y + NODE_HEIGHT;
  const x2 = to.x + NODE_WIDTH / 2;
  const y2 = to.y;
  const bend = (y2 - y1) / 2;

  return `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`;
};

export const COMPACT_ROW_GAP = 72;

/**
 * The same picture with its rows closed up: each distinct height of the layout becomes a
 * row COMPACT_ROW_GAP apart (the editor's spacing leaves room for forms the preview has not),
 * so a long journey stays readable in a small card. Columns stay as laid out.
 */
export const compactRows = (preview: Preview): Preview => {
  const rows = [...new Set(preview.nodes.map((node) => node.y))].sort((a, b) => a - b);
  const rowOf = new Map(rows.map((y, index) => [y, index * COMPACT_ROW_GAP]));
  const nodes = preview.nodes.map((node) => ({ ...node, y: rowOf.get(node.y) ?? 0 }));
  const ys = nodes.map((node) => node.y);
  const minY = Math.min(...ys) - PADDING;

  return {
    nodes,
    edges: preview.edges,
    viewBox: { ...preview.viewBox, y: minY, height: Math.max(...ys) + NODE_HEIGHT + PADDING - minY },
  };
};
