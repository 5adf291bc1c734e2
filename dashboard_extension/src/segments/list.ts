/** The segments list: which rows show, in which order, and what their status says. */
import { summarizeTrend, type TrendPoint, type TrendSummary } from "./trend";

export type SegmentStatus = "ACTIVE" | "ARCHIVED";

export type SegmentListItem = {
  id: string;
  key: string;
  name: string;
  description: string;
  isBuiltin: boolean;
  status: SegmentStatus;
  memberCount: number;
  evaluatedAt: string | null;
  trend: TrendPoint[];
};

export type SegmentRow = SegmentListItem & { summary: TrendSummary | null };

/**
 * The rows to show: archived ones only when asked for, after the active ones; otherwise in
 * the API's order (built-in first, then by name).
 */
export const segmentRows = (segments: readonly SegmentListItem[], showArchived: boolean): SegmentRow[] => {
  const shown = segments.filter((segment) => showArchived || segment.status === "ACTIVE");
  const active = shown.filter((segment) => segment.status === "ACTIVE");
  const archived = shown.filter((segment) => segment.status !== "ACTIVE");
  return [...active, ...archived].map((segment) => ({ ...segment, summary: summarizeTrend(segment.trend) }));
};

export const statusMessageId = (status: SegmentStatus): string =>
  status === "ARCHIVED" ? "segments.status.archived" : "segments.status.active";
