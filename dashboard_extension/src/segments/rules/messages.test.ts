/** Every message id the rule builder names or builds exists in English and German. */
import { describe, expect, it } from "vitest";

import de from "../../i18n/de/segment-rules.json";
import en from "../../i18n/en/segment-rules.json";
import {
  AGE_OPERATORS,
  COMPARISONS,
  CONDITION_TYPES,
  CONSENT_STATUSES,
  COUNT_MODES,
  EMAIL_ACTIONS,
  GROUP_TYPES,
  OPERATORS,
  PROFILE_FIELDS,
  SPEND_METRICS,
  WHERE_OPERATORS,
  WHERE_VALUE_KINDS,
  WINDOW_MODES,
} from "./model";
import source from "./rule-builder.tsx?raw";

const literal = [...source.matchAll(/t\("(rules\.[\w.]+)"/g)].map((match) => match[1] as string);
const kinds = Object.keys(PROFILE_FIELDS) as (keyof typeof PROFILE_FIELDS)[];
// the definition fields an error can name (the builder's KNOWN_FIELDS)
const fields = (/KNOWN_FIELDS = new Set\(\[([^\]]+)\]/.exec(source)?.[1] ?? "").match(/\w+/g) ?? [];

const built = [
  ...CONDITION_TYPES.map((type) => `rules.type.${type}`),
  ...GROUP_TYPES.map((type) => `rules.group.type.${type}`),
  ...kinds.map((kind) => `rules.kind.${kind}`),
  ...kinds.flatMap((kind) => PROFILE_FIELDS[kind].map((field) => `rules.profile.${field}`)),
  ...[...kinds.flatMap((kind) => OPERATORS[kind]), ...AGE_OPERATORS, ...COMPARISONS].map((op) => `rules.op.${op}`),
  ...WHERE_OPERATORS.map((op) => `rules.whereOp.${op}`),
  ...WHERE_VALUE_KINDS.map((kind) => `rules.where.kind.${kind}`),
  ...SPEND_METRICS.map((metric) => `rules.metric.${metric}`),
  ...CONSENT_STATUSES.map((status) => `rules.consent.${status}`),
  ...COUNT_MODES.map((mode) => `rules.count.${mode}`),
  ...WINDOW_MODES.map((mode) => `rules.window.${mode}`),
  ...EMAIL_ACTIONS.map((action) => `rules.email.${action}`),
  ...["product", "variant", "category"].flatMap((kind) => [`rules.picker.none.${kind}`, `rules.picker.search.${kind}`]),
  ...fields.map((field) => `rules.field.${field}`),
  "rules.group.rootHeading",
  "rules.group.heading",
];

describe("rule builder messages", () => {
  it("finds the ids the builder names and builds", () => {
    expect(literal.length).toBeGreaterThan(60);
    expect(fields).toContain("segment_id");
    expect(built.length).toBeGreaterThan(100);
  });

  it("has every id in English and German", () => {
    const ids = [...new Set([...literal, ...built])];
    expect(ids.filter((id) => !(id in en))).toEqual([]);
    expect(ids.filter((id) => !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
