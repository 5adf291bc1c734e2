import { describe, expect, it } from "vitest";

import { type SegmentListItem, segmentRows, statusMessageId } from "./list";

const item = (name: string, status: SegmentListItem["status"], members: number[] = []): SegmentListItem => ({
  id: `id-${name}`,
  key: name.toLowerCase(),
  name,
  description: "",
  isBuiltin: false,
  status,
  memberCount: members[members.length - 1] ?? 0,
  evaluatedAt: null,
  trend: members.map((n, i) => ({ day: `2025-01-0${i + 1}`, members: n })),
});

describe("segmentRows", () => {
  const segments = [item("Buyers", "ARCHIVED", [3, 1]), item("Champions", "ACTIVE", [2, 5]), item("Women", "ACTIVE")];

  it("leaves archived segments out unless asked", () => {
    expect(segmentRows(segments, false).map((row) => row.name)).toEqual(["Champions", "Women"]);
  });

  it("lists archived ones after the active ones, each with its trend's change", () => {
    const rows = segmentRows(segments, true);
    expect(rows.map((row) => [row.name, row.summary?.change ?? null])).toEqual([
      ["Champions", 3],
      ["Women", null],
      ["Buyers", -2],
    ]);
  });
});

describe("statusMessageId", () => {
  it("names the status", () => {
    expect(statusMessageId("ACTIVE")).toBe("segments.status.active");
    expect(statusMessageId("ARCHIVED")).toBe("segments.status.archived");
  });
});
