import { describe, expect, it } from "vitest";

import { backfillActive, backfillRows, restartRefused } from "./backfill";
import type { BackfillStatus } from "./types";

const run = (over: Partial<BackfillStatus>): BackfillStatus => ({
  resource: "CUSTOMERS",
  status: "RUNNING",
  done: 0,
  skipped: 0,
  total: null,
  error: null,
  droppedFields: [],
  startedAt: "2026-12-05T01:00:00+00:00",
  finishedAt: null,
  updatedAt: "2026-12-05T01:00:05+00:00",
  ...over,
});

describe("backfillRows", () => {
  it("gives a row per kind in import order, with the share done", () => {
    const rows = backfillRows([
      run({ resource: "ORDERS", done: 250, total: 1000 }),
      run({ resource: "CUSTOMERS", status: "DONE", done: 40, total: 40, skipped: 2, finishedAt: "2026-12-05T01:02:00+00:00" }),
    ]);
    expect(rows.map((r) => [r.resource, r.status, r.percent])).toEqual([
      ["CUSTOMERS", "DONE", 100],
      ["ORDERS", "RUNNING", 25],
      ["CHECKOUTS", "NOT_STARTED", null],
    ]);
    expect(rows[0]).toMatchObject({ done: 40, skipped: 2, total: 40, finishedAt: "2026-12-05T01:02:00+00:00" });
  });

  it("knows no share before Saleor's total, and never more than all", () => {
    expect(backfillRows([run({ total: null, done: 0 })])[0]?.percent).toBeNull();
    expect(backfillRows([run({ total: 10, done: 12 })])[0]?.percent).toBe(100);
    expect(backfillRows([run({ total: 3, done: 2 })])[0]?.percent).toBe(66);
    expect(backfillRows([run({ status: "FAILED", total: 10, done: 4, error: "Saleor answered 502" })])[0]).toMatchObject({
      percent: 40,
      error: "Saleor answered 502",
    });
  });

  it("polls while an import is pending or running", () => {
    expect(backfillActive([run({ status: "PENDING" })])).toBe(true);
    expect(backfillActive([run({ status: "DONE" }), run({ resource: "ORDERS", status: "FAILED" })])).toBe(false);
    expect(backfillActive([])).toBe(false);
  });
});

describe("restartRefused", () => {
  const now = new Date("2026-12-05T01:10:00+00:00");
  it("while a run was written to within the API's five-minute lease", () => {
    expect(restartRefused([run({ status: "RUNNING", updatedAt: "2026-12-05T01:05:01+00:00" })], now)).toBe(true);
    expect(restartRefused([run({ status: "DONE" }), run({ resource: "ORDERS", status: "PENDING", updatedAt: "2026-12-05T01:09:00+00:00" })], now)).toBe(true);
  });

  it("not once every run finished or failed, or a worker went silent for the lease", () => {
    expect(restartRefused([], now)).toBe(false);
    expect(restartRefused([run({ status: "DONE" }), run({ resource: "ORDERS", status: "FAILED", updatedAt: "2026-12-05T01:09:59+00:00" })], now)).toBe(false);
    expect(restartRefused([run({ status: "RUNNING", updatedAt: "2026-12-05T01:05:00+00:00" })], now)).toBe(false);
  });
});
