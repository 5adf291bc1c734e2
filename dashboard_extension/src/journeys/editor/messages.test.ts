/**
 * Every message the editor shows exists in its catalogues (English and German): the ids
 * written in its source, the ids of every type, field and output of the catalogue, and of
 * every problem code the validation mirror reports.
 */
import { describe, expect, it } from "vitest";

import de from "../../i18n/de/editor.json";
import en from "../../i18n/en/editor.json";
import { METRICS, TEST_PROBLEM_CODES } from "./broadcast-test";
import { ENTRY_SPECS, NODE_SPECS, PROFILE_FIELDS, REENTRY_MODES } from "./catalogue";
import { COUNT_KINDS } from "./counts";
import { SUBJECT_PROBLEM_CODES } from "./subject-test";

const sources = import.meta.glob<string>(["./*.ts", "./*.tsx", "!./*.test.ts"], { eager: true, query: "?raw", import: "default" });

const literalIds = () =>
  new Set(Object.values(sources).flatMap((text) => [...text.matchAll(/"(editor\.[A-Za-z0-9_.]+)"/g)].map((m) => m[1] as string)));

const problemCodes = () => {
  const text = sources["./validate.ts"] ?? "";
  const codes = [
    ...[...text.matchAll(/add\([^,]+, "([a-z_]+)"/g)].map((m) => m[1]),
    ...[...text.matchAll(/code: "([a-z_]+)"/g)].map((m) => m[1]),
    ...SUBJECT_PROBLEM_CODES,
    ...TEST_PROBLEM_CODES,
  ];
  return new Set(codes as string[]);
};

const dynamicIds = (): string[] => {
  const specs = [...Object.values(ENTRY_SPECS), ...Object.values(NODE_SPECS)];
  return [
    ...specs.flatMap((s) => [s.labelId, s.descriptionId, ...s.fields.map((f) => f.labelId), ...s.outputs.map((o) => o.labelId)]),
    ...specs.flatMap((s) => s.fields.flatMap((f) => (f.options ?? []).map((o) => `editor.option.${o}`))),
    ...["entry", "wait", "logic", "message", "action", "end"].map((f) => `editor.family.${f}`),
    ...COUNT_KINDS.flatMap((k) => [`editor.count.${k}`, `editor.count.${k}.short`]),
    ...["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"].map((o) => `editor.op.${o}`),
    ...PROFILE_FIELDS.map((f) => `editor.profile.${f}`),
    ...REENTRY_MODES.map((m) => `editor.reentry.${m}`),
    ...["saved", "dirty", "saving", "conflict", "error"].map((s) => `editor.save.${s}`),
    ...["draft", "active", "paused", "archived"].map((s) => `editor.status.${s}`),
    ...["days", "hours", "minutes"].map((u) => `editor.unit.${u}`),
    ...[0, 1, 2, 3, 4, 5, 6].map((d) => `editor.weekday.${d}`),
    ...["order", "segment", "event", "email", "custom"].map((k) => `editor.condition.${k}`),
    ...["opened", "clicked", "delivered", "bounced", "complained", "unsubscribed"].map((a) => `editor.email.${a}`),
    ...["yes", "no", "on_event", "on_timeout"].map((h) => `editor.output.${h}`),
    ...[...problemCodes()].map((c) => `editor.problem.${c}`),
    ...METRICS.map((m) => `editor.broadcastTest.metric.${m}`),
  ];
};

describe("editor messages", () => {
  it("finds the ids it checks", () => {
    expect(literalIds().size).toBeGreaterThan(100);
    expect(problemCodes()).toContain("loop_without_wait");
  });

  it.each([
    ["en", en as Record<string, string>],
    ["de", de as Record<string, string>],
  ])("has every id the editor uses in %s", (_lang, messages) => {
    const missing = [...new Set([...literalIds(), ...dynamicIds()])].filter((id) => !(id in messages)).sort();
    expect(missing).toEqual([]);
  });

  it("has the same ids in English and German", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
