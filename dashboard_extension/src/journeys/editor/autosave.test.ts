import { describe, expect, it } from "vitest";

import type { AutosaveEvent, AutosaveState } from "./autosave";
import { DEBOUNCE_MS, autosaveInitial, autosaveReducer, hasUnsaved, nextSaveAt, serializeDraft } from "./autosave";

const run = (state: AutosaveState, ...events: AutosaveEvent[]) => events.reduce(autosaveReducer, state);
const loaded = autosaveInitial("v1", "2026-12-04T10:00:00+00:00");

describe("autosave", () => {
  it("saves once edits pause, and is saved when the server has what the editor shows", () => {
    // given
    const edited = run(loaded, { type: "edited", snapshot: "v2", at: 100 }, { type: "edited", snapshot: "v3", at: 400 });
    expect(edited.status).toBe("dirty");
    expect(nextSaveAt(edited)).toBe(400 + DEBOUNCE_MS);

    // when
    const saving = run(edited, { type: "saveStarted" });
    const done = run(saving, { type: "saveSucceeded", updatedAt: "t2" });

    // then
    expect(saving).toMatchObject({ status: "saving", inFlight: "v3" });
    expect(nextSaveAt(saving)).toBeNull();
    expect(done).toMatchObject({ status: "saved", saved: "v3", updatedAt: "t2", inFlight: null });
    expect(nextSaveAt(done)).toBeNull();
    expect(hasUnsaved(done)).toBe(false);
  });

  it("saves edits made during a save after it", () => {
    const state = run(
      loaded,
      { type: "edited", snapshot: "v2", at: 100 },
      { type: "saveStarted" },
      { type: "edited", snapshot: "v3", at: 1000 },
      { type: "saveSucceeded", updatedAt: "t2" },
    );
    expect(state).toMatchObject({ status: "dirty", saved: "v2", current: "v3", updatedAt: "t2" });
    expect(nextSaveAt(state)).toBe(1000 + DEBOUNCE_MS);
  });

  it("an edit back to what is saved is saved", () => {
    const state = run(loaded, { type: "edited", snapshot: "v2", at: 1 }, { type: "edited", snapshot: "v1", at: 2 });
    expect(state.status).toBe("saved");
    expect(nextSaveAt(state)).toBeNull();
  });

  it("stops on a conflict until the admin keeps this version, then overwrites with the server's updatedAt", () => {
    const conflict = run(loaded, { type: "edited", snapshot: "v2", at: 1 }, { type: "saveStarted" }, { type: "saveFailed", code: "DRAFT_CHANGED", at: 5 });
    expect(conflict.status).toBe("conflict");
    expect(nextSaveAt(conflict)).toBeNull();
    expect(run(conflict, { type: "edited", snapshot: "v3", at: 9 }).status).toBe("conflict");
    expect(run(conflict, { type: "saveStarted" })).toBe(conflict);

    const kept = run(conflict, { type: "keepMine", updatedAt: "t9" });
    expect(kept).toMatchObject({ status: "dirty", updatedAt: "t9" });
    expect(nextSaveAt(kept)).toBe(1 + DEBOUNCE_MS);
  });

  it("takes the updatedAt of a change this tab made otherwise, and saves on it", () => {
    const published = run(loaded, { type: "rebased", updatedAt: "t-published" });
    expect(published).toMatchObject({ status: "saved", updatedAt: "t-published", saved: "v1" });
    expect(run(published, { type: "edited", snapshot: "v2", at: 5 }, { type: "saveStarted" })).toMatchObject({ inFlight: "v2", updatedAt: "t-published" });
  });

  it("warns when a reading shows a newer updatedAt than this tab knows, not an older or the same one", () => {
    const at = (time: string) => `2026-12-04T10:00:${time}+00:00`;
    const known = autosaveInitial("v1", at("00"));
    expect(run(known, { type: "seen", updatedAt: at("05") }).status).toBe("conflict");
    expect(run(known, { type: "seen", updatedAt: at("00") })).toBe(known);
    expect(run(known, { type: "seen", updatedAt: "2026-12-04T09:59:59+00:00" })).toBe(known);
    const saving = run(known, { type: "edited", snapshot: "v2", at: 1 }, { type: "saveStarted" });
    expect(run(saving, { type: "seen", updatedAt: at("05") })).toBe(saving);
  });

  it("retries other failures later and later", () => {
    const failed = run(loaded, { type: "edited", snapshot: "v2", at: 0 }, { type: "saveStarted" }, { type: "saveFailed", code: "NETWORK_ERROR", at: 1000 });
    expect(failed).toMatchObject({ status: "error", failures: 1 });
    expect(nextSaveAt(failed)).toBe(3000);
    const twice = run(failed, { type: "saveStarted" }, { type: "saveFailed", code: "HTTP_ERROR", at: 4000 });
    expect(nextSaveAt(twice)).toBe(9000);
    expect(run(twice, { type: "saveStarted" }, { type: "saveSucceeded", updatedAt: "t3" })).toMatchObject({ status: "saved", failures: 0 });
  });
});

describe("draft snapshots", () => {
  it("read the same whatever the order of keys, and differ when anything differs", () => {
    const a = serializeDraft({ start: "a", entry: { type: "manual" }, nodes: { a: { type: "exit" } } }, { a: { x: 1, y: 2 } });
    const b = serializeDraft({ nodes: { a: { type: "exit" } }, entry: { type: "manual" }, start: "a" }, { a: { y: 2, x: 1 } });
    expect(a).toBe(b);
    expect(serializeDraft({ start: "b" }, {})).not.toBe(serializeDraft({ start: "a" }, {}));
    expect(serializeDraft({ w: [2, 1] }, {})).not.toBe(serializeDraft({ w: [1, 2] }, {}));
  });
});
