/**
 * Where an entry pressed in the palette goes when the journey has none yet. A dropped entry goes
 * where it was dropped; a pressed one used to go to a fixed (0, -140), which in a blank journey
 * (whose view starts at the canvas's origin, unfitted) is above the visible area: the canvas
 * looked empty. Now: above the step the journey starts with when that spot is in view, else the
 * middle of the view; either way beside any step that covers it (`freeSpot`).
 */
import type { EditorDoc } from "./convert";
import { ENTRY_ID, NODE_HEIGHT, NODE_WIDTH } from "./convert";
import { NODE_GAP_Y, freeSpot } from "./reducer";
import type { Position } from "./types";

/** The visible part of the canvas, in the canvas's own coordinates. */
export type View = { x: number; y: number; width: number; height: number };

const inside = (view: View, p: Position): boolean =>
  p.x >= view.x && p.y >= view.y && p.x + NODE_WIDTH <= view.x + view.width && p.y + NODE_HEIGHT <= view.y + view.height;

/** The spot for a new entry, or null when the journey has an entry (it changes in place). */
export const entrySpot = (doc: EditorDoc, view: View): Position | null => {
  if (doc.nodes.some((n) => n.id === ENTRY_ID)) return null;
  const startId = doc.extras.start;
  const first = typeof startId === "string" ? doc.nodes.find((n) => n.id === startId) : undefined;
  if (first) {
    const above = freeSpot(doc, { x: first.position.x, y: first.position.y - NODE_GAP_Y });
    if (inside(view, above)) return above;
  }
  const middle = { x: Math.round(view.x + (view.width - NODE_WIDTH) / 2), y: Math.round(view.y + (view.height - NODE_HEIGHT) / 2) };
  return freeSpot(doc, middle);
};
