/**
 * When to save the draft, and what the indicator says. The draft and its layout are saved
 * together (`updateJourneyDraft(draft, layout, expectedUpdatedAt)`) once edits pause for
 * `DEBOUNCE_MS`; one save at a time, and edits made while it runs are saved after it. A
 * write refused because the draft changed elsewhere (another tab, another admin) stops
 * autosaving in `conflict` until the admin reloads theirs or keeps (overwrites with) this one.
 * Other failures retry with a growing delay. Snapshots are the serialized draft and layout.
 * Publishing or a new trigger secret moves the journey's updatedAt too: the tab that did it
 * takes the new one (`rebased`), so its next save is not refused as someone else's change.
 */

export const DEBOUNCE_MS = 800;
export const RETRY_MS = [2000, 5000, 15000, 30000] as const;
/** The error codes a stale `expectedUpdatedAt` is refused with. */
export const CONFLICT_CODES: ReadonlySet<string> = new Set(["DRAFT_CHANGED", "STALE_DRAFT", "CONFLICT"]);

export type SaveStatus = "saved" | "dirty" | "saving" | "conflict" | "error";

export type AutosaveState = {
  status: SaveStatus;
  /** What the server holds, as far as this tab knows. */
  saved: string;
  /** What the editor shows. */
  current: string;
  /** What the running save sends. */
  inFlight: string | null;
  /** The server's `updatedAt` of the draft this tab builds on. */
  updatedAt: string | null;
  lastEditAt: number;
  failures: number;
  lastFailureAt: number;
};

export type AutosaveEvent =
  | { type: "loaded"; snapshot: string; updatedAt: string | null }
  | { type: "edited"; snapshot: string; at: number }
  | { type: "saveStarted" }
  | { type: "saveSucceeded"; updatedAt: string | null }
  | { type: "saveFailed"; code: string; at: number }
  | { type: "keepMine"; updatedAt: string | null }
  /** This tab changed the journey otherwise (published it, made a trigger secret): its new updatedAt. */
  | { type: "rebased"; updatedAt: string }
  /** The journey's updatedAt as read now (with the counts, or when the page shows again). */
  | { type: "seen"; updatedAt: string };

export const autosaveInitial = (snapshot: string, updatedAt: string | null): AutosaveState => ({
  status: "saved",
  saved: snapshot,
  current: snapshot,
  inFlight: null,
  updatedAt,
  lastEditAt: 0,
  failures: 0,
  lastFailureAt: 0,
});

const isNewer = (seen: string, known: string | null): boolean =>
  known !== null && Number.isFinite(Date.parse(seen)) && Date.parse(seen) > Date.parse(known);

const idle = (state: AutosaveState): SaveStatus => (state.current === state.saved ? "saved" : "dirty");

export const autosaveReducer = (state: AutosaveState, event: AutosaveEvent): AutosaveState => {
  switch (event.type) {
    case "loaded":
      return autosaveInitial(event.snapshot, event.updatedAt);
    case "edited": {
      const next = { ...state, current: event.snapshot, lastEditAt: event.at };
      if (state.status === "saving" || state.status === "conflict") return next;
      return { ...next, status: event.snapshot === state.saved ? "saved" : state.status === "error" ? "error" : "dirty" };
    }
    case "saveStarted":
      if (state.status === "saving" || state.status === "conflict" || state.current === state.saved) return state;
      return { ...state, status: "saving", inFlight: state.current };
    case "saveSucceeded": {
      if (state.status !== "saving" || state.inFlight === null) return state;
      const next = { ...state, saved: state.inFlight, inFlight: null, updatedAt: event.updatedAt, failures: 0 };
      return { ...next, status: idle(next) };
    }
    case "saveFailed":
      if (state.status !== "saving") return state;
      if (CONFLICT_CODES.has(event.code)) return { ...state, status: "conflict", inFlight: null };
      return { ...state, status: "error", inFlight: null, failures: state.failures + 1, lastFailureAt: event.at };
    case "rebased":
      return { ...state, updatedAt: event.updatedAt };
    case "seen":
      // Newer than what this tab saved or loaded: another tab (or admin) saved since. An older
      // reading is an answer that crossed this tab's own save, not news.
      if (state.status === "saving" || state.status === "conflict" || !isNewer(event.updatedAt, state.updatedAt)) return state;
      return { ...state, status: "conflict" };
    case "keepMine": {
      if (state.status !== "conflict") return state;
      // The server's draft is the one to overwrite: nothing of it is "saved" here.
      return { ...state, status: "dirty", updatedAt: event.updatedAt, saved: "", failures: 0 };
    }
  }
};

/** The moment the next save should start, or null when none should. */
export const nextSaveAt = (state: AutosaveState): number | null => {
  if (state.current === state.saved) return null;
  switch (state.status) {
    case "dirty":
      return state.lastEditAt + DEBOUNCE_MS;
    case "error":
      return Math.max(state.lastEditAt + DEBOUNCE_MS, state.lastFailureAt + RETRY_MS[Math.min(state.failures, RETRY_MS.length) - 1]!);
    default:
      return null;
  }
};

/** Whether leaving now would lose edits (the page warns before navigating away). */
export const hasUnsaved = (state: AutosaveState): boolean => state.current !== state.saved;

/** JSON with object keys sorted, so the same draft always reads the same whatever its key order. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        )
      : value;

export const serializeDraft = (draft: unknown, layout: unknown): string => JSON.stringify(canonical({ draft, layout }));
