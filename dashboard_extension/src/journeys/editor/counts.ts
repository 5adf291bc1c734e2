/**
 * Live counts on the canvas: per node, how many runs wait there, passed, exited, and of those
 * exited, how many reached the goal there (converted). Refetched while the page is visible; a change is
 * announced to screen readers once, in one sentence per node that changed.
 */

export type Counts = { waiting: number; passed: number; exited: number; converted: number };
export type NodeCountRow = { node: string } & Partial<Counts>;

export const ZERO: Counts = { waiting: 0, passed: 0, exited: 0, converted: 0 };
export const COUNT_KINDS = ["waiting", "passed", "exited", "converted"] as const;
export const REFRESH_MS = 15_000;

export const countsByNode = (rows: readonly NodeCountRow[]): Map<string, Counts> =>
  new Map(
    rows.map((row) => [
      row.node,
      {
        waiting: row.waiting ?? 0,
        passed: row.passed ?? 0,
        exited: row.exited ?? 0,
        converted: row.converted ?? 0,
      },
    ]),
  );

export type CountChange = { node: string; kind: (typeof COUNT_KINDS)[number]; from: number; to: number };

/** What changed between two readings (nothing on the first reading: that is not news). */
export const countChanges = (before: Map<string, Counts> | null, after: Map<string, Counts>): CountChange[] => {
  if (before === null) return [];
  const changes: CountChange[] = [];
  for (const [node, counts] of after) {
    const old = before.get(node) ?? ZERO;
    for (const kind of COUNT_KINDS) {
      if (old[kind] !== counts[kind]) changes.push({ node, kind, from: old[kind], to: counts[kind] });
    }
  }
  return changes;
};

/** Whether to poll: only while the page is visible, and only for a journey that runs. */
export const shouldPoll = (visibility: DocumentVisibilityState, status: string): boolean =>
  visibility === "visible" && (status === "active" || status === "paused");
