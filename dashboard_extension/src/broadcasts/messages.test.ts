/** Every message id the broadcasts screens build at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import de from "../i18n/de/broadcasts.json";
import en from "../i18n/en/broadcasts.json";
import { type BroadcastForm, checkForm, EMPTY_FORM } from "./form";
import { scheduleSaid, STATE_IDS } from "./labels";

const NOW = Date.parse("2026-12-01T08:00:00Z");
const filled: BroadcastForm = { ...EMPTY_FORM, name: "n", segmentId: btoa("Segment:1"), template: "a" };
const forms: BroadcastForm[] = [
  EMPTY_FORM,
  { ...filled, name: "n".repeat(121) },
  { ...filled, mode: "templates", templateB: "a", sharePercent: "1", waitHours: "0", schedule: "local", date: "2026-12-02", time: "09:00" },
  { ...filled, mode: "templates" },
  { ...filled, mode: "subjects", subjects: ["", "x".repeat(301)] },
  { ...filled, mode: "subjects", subjects: ["s", "s"] },
  ...[
    ["", ""],
    ["2026-12-02", ""],
    ["2026-13-01", "09:00"],
    ["2026-11-01", "09:00"],
    ["2027-03-28", "02:30"],
  ].map(([date, time]) => ({ ...filled, schedule: "at" as const, date: date!, time: time! })),
  { ...filled, schedule: "local", date: "2026-11-01", time: "09:00" },
];
const problems = forms.flatMap((form) => Object.values(checkForm(form, "Europe/Berlin", NOW).problems));
const summary = { segmentPk: 1, content: { kind: "other" as const } };

const built = [
  ...problems,
  ...Object.values(STATE_IDS),
  ...[
    { sendAt: null, localTime: false },
    { sendAt: "2026-12-01T08:00:00+00:00", localTime: false },
    { sendAt: "2026-12-01T08:00:00+00:00", localTime: true },
  ].map((s) => scheduleSaid({ ...summary, ...s }, "en", "UTC").id),
  "broadcasts.schedule.now",
  ...["name", "state", "segment", "templates", "schedule", "progress"].map((column) => `broadcasts.list.column.${column}`),
  ...["single", "templates", "subjects"].map((mode) => `broadcasts.mode.${mode}`),
  ...["now", "at", "local"].map((mode) => `broadcasts.scheduleMode.${mode}`),
  ...["marketing", "transactional"].map((kind) => `broadcasts.kind.${kind}`),
  ...["recipients", "sent", "deferred", "suppressed", "failed", "unknown", "toSend", "notSent"].map((figure) => `broadcasts.figure.${figure}`),
  ...["pause", "resume", "cancel", "launch"].flatMap((action) => ["title", "confirm", "done", "failed"].map((part) => `broadcasts.${action}.${part}`)),
  ...["pause", "resume", "cancel"].map((action) => `broadcasts.${action}.description`),
];

describe("broadcasts messages", () => {
  it("builds the problems it is meant to", () => {
    expect(new Set(problems).size).toBe(17);
  });

  it("has every built id in English and German", () => {
    expect(built.filter((id) => !(id in en))).toEqual([]);
    expect(built.filter((id) => !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
