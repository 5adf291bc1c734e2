/**
 * The import of what a shop already had (`backfillStatus`): one row per kind of Saleor object,
 * in import order, with how far it got; and whether the API would take a restart now.
 */
import type { BackfillStatus } from "./types";

export const BACKFILL_RESOURCES = ["CUSTOMERS", "ORDERS", "CHECKOUTS"] as const;

export type BackfillRow = {
  resource: BackfillStatus["resource"];
  status: BackfillStatus["status"] | "NOT_STARTED";
  done: number;
  skipped: number;
  total: number | null;
  /** 0-100 for the progress bar; null while Saleor has not said how many there are. */
  percent: number | null;
  error: string | null;
  droppedFields: string[];
  finishedAt: string | null;
};

const percentOf = (run: BackfillStatus): number | null => {
  if (run.status === "DONE") return 100;
  if (run.total === null) return null;
  if (run.total === 0) return run.status === "RUNNING" || run.status === "PENDING" ? 0 : 100;
  return Math.min(100, Math.floor((run.done / run.total) * 100));
};

/** A row per kind of object, those never run included (NOT_STARTED). */
export const backfillRows = (runs: BackfillStatus[]): BackfillRow[] =>
  BACKFILL_RESOURCES.map((resource) => {
    const run = runs.find((r) => r.resource === resource);
    if (!run) {
      return { resource, status: "NOT_STARTED", done: 0, skipped: 0, total: null, percent: null, error: null, droppedFields: [], finishedAt: null };
    }
    return {
      resource,
      status: run.status,
      done: run.done,
      skipped: run.skipped,
      total: run.total,
      percent: percentOf(run),
      error: run.error,
      droppedFields: run.droppedFields,
      finishedAt: run.finishedAt,
    };
  });

/** Whether to poll again: while any import is pending or running. */
export const backfillActive = (runs: BackfillStatus[]): boolean => runs.some((r) => r.status === "PENDING" || r.status === "RUNNING");

/** The API's lease (backfill/services.py LEASE): a run its worker wrote to within it is alive. */
export const BACKFILL_LEASE_MS = 5 * 60 * 1000;

/** Whether `restartBackfill` would be refused now, as the API decides it: a run pending or
 * running that was written to within the lease (a run whose worker died is restartable). */
export const restartRefused = (runs: BackfillStatus[], now: Date): boolean =>
  runs.some((r) => (r.status === "PENDING" || r.status === "RUNNING") && now.getTime() - Date.parse(r.updatedAt) < BACKFILL_LEASE_MS);
