import { createIntl } from "react-intl";
import { describe, expect, it } from "vitest";

import deDates from "../../i18n/de/dates.json";
import deEditor from "../../i18n/de/editor.json";
import enDates from "../../i18n/en/dates.json";
import enEditor from "../../i18n/en/editor.json";
import presets from "../../../fixtures/journeys/presets.json";
import everyNode from "../../../fixtures/journeys/every-node.json";
import {
  DIRECTIONS,
  PROFILE_DATE_FIELDS,
  REPEATS,
  UNITS,
  addMonths,
  checkDateEntry,
  checkRecurring,
  canEnterAlreadyAbove,
  checkThreshold,
  entersAlreadyAbove,
  nextOccurrences,
  occurrence,
  offsetOf,
  recurringDefaults,
  repeatOf,
  thresholdEntry,
  thresholdOf,
  withAttribute,
  withDateField,
  withDirection,
  withEvery,
  withOffset,
  withEnterAlreadyAbove,
  withThresholdAttribute,
  withThresholdValue,
} from "./date-entries";
import type { JsonObject } from "./types";
import { summaryOf } from "./summary";
import { validateDefinition as validate } from "./validate";

const problems = (check: (entry: JsonObject, add: (f: string, c: string) => void) => void, entry: JsonObject) => {
  const found: [string, string][] = [];
  check(entry, (field, code) => found.push([field, code]));
  return found;
};

describe("date entries", () => {
  it("repeat yearly for birthdays and sign-ups, once for the rest, unless told", () => {
    expect(repeatOf({ field: "birthday" })).toBe("yearly");
    expect(repeatOf({ field: "date_joined" })).toBe("yearly");
    expect(repeatOf({ field: "last_order_at" })).toBe("once");
    expect(repeatOf({ field: "attribute", attribute: "due" })).toBe("once");
    expect(repeatOf({ field: "birthday", repeat: "once" })).toBe("once");
  });

  it("name a custom attribute only with the field 'attribute', keeping the repeat shown", () => {
    const custom = withDateField({ field: "birthday", days_offset: -14, at_hour: 9 }, "attribute");
    expect(custom).toEqual({ field: "attribute", attribute: "", repeat: "yearly", days_offset: -14, at_hour: 9 });
    expect(withAttribute(custom, " check_up_due ")).toMatchObject({ attribute: "check_up_due" });
    expect(withDateField({ ...custom, attribute: "due" }, "last_order_at")).toEqual({
      field: "last_order_at",
      repeat: "yearly",
      days_offset: -14,
      at_hour: 9,
    });
  });

  it("write 'N days before' as a negative offset within the server's range", () => {
    expect(offsetOf({ days_offset: -14 })).toEqual({ days: 14, when: "before" });
    expect(offsetOf({})).toEqual({ days: 0, when: "after" });
    expect(withOffset({}, 14, "before")).toEqual({ days_offset: -14 });
    expect(withOffset({}, 400, "before")).toEqual({ days_offset: -365 });
    expect(withOffset({}, 9999, "after")).toEqual({ days_offset: 3650 });
    expect(withOffset({}, 0, "before")).toEqual({ days_offset: 0 });
  });

  it("are checked as the server checks them", () => {
    expect(problems(checkDateEntry, { field: "attribute", attribute: "check_up_due", repeat: "yearly", days_offset: -14, at_hour: 9 })).toEqual([]);
    expect(problems(checkDateEntry, { field: "attribute", attribute: "bad key", repeat: "monthly", days_offset: -366, at_hour: 24 })).toEqual([
      ["entry.attribute", "attribute_key"],
      ["entry.repeat", "choice"],
      ["entry.days_offset", "range"],
      ["entry.at_hour", "range"],
    ]);
    expect(problems(checkDateEntry, { field: "birthday", attribute: "x" })).toEqual([["entry.attribute", "attribute_only"]]);
    expect(problems(checkDateEntry, { field: "anniversary" })).toEqual([["entry.field", "choice"]]);
  });
});

describe("recurring entries", () => {
  it("add months to the start, keeping its day or the month's last", () => {
    expect([0, 1, 2, 3, 4].map((n) => occurrence("2027-01-31", 1, "months", n))).toEqual([
      "2027-01-31",
      "2027-02-28",
      "2027-03-31",
      "2027-04-30",
      "2027-05-31",
    ]);
    expect(addMonths("2027-11-30", 3)).toBe("2028-02-29");
    expect(addMonths("2027-12-15", 1)).toBe("2028-01-15");
    expect(occurrence("2027-01-01", 2, "weeks", 3)).toBe("2027-02-12");
    expect(occurrence("2027-12-30", 3, "days", 1)).toBe("2028-01-02");
  });

  it("preview the next occurrences from today", () => {
    expect(nextOccurrences({ start: "2027-01-31", every: 1, unit: "months" }, "2027-02-01")).toEqual(["2027-02-28", "2027-03-31", "2027-04-30"]);
    expect(nextOccurrences({ start: "2027-01-31", every: 2, unit: "weeks" }, "2027-01-01", 2)).toEqual(["2027-01-31", "2027-02-14"]);
    expect(nextOccurrences({ start: "31.01.2027" }, "2027-01-01")).toEqual([]);
  });

  it("are summed up on the canvas in words, in English and German", () => {
    const said = (locale: string, messages: Record<string, string>, entry: JsonObject) => {
      const summary = summaryOf({ type: "recurring", ...entry });
      return createIntl({ locale, messages }).formatMessage({ id: (summary as { id: string }).id }, (summary as { values: Record<string, string | number> }).values);
    };
    const en = enEditor as Record<string, string>;
    const de = deEditor as Record<string, string>;
    expect(said("en", en, { every: 1, unit: "months", start: "2027-01-31" })).toBe("every month from 2027-01-31");
    expect(said("en", en, { every: 2, unit: "weeks", start: "2027-01-31" })).toBe("every 2 weeks from 2027-01-31");
    expect(said("de", de, { every: 1, unit: "months", start: "2027-01-31" })).toBe("monatlich ab 2027-01-31");
    expect(said("de", de, { every: 10, unit: "days", start: "2027-01-31" })).toBe("alle 10 Tage ab 2027-01-31");
  });

  it("start monthly on the first of next month, at nine", () => {
    expect(recurringDefaults(new Date("2026-12-05T12:00:00Z"))).toEqual({ every: 1, unit: "months", start: "2027-01-01", at_hour: 9 });
    expect(recurringDefaults(new Date("2026-03-31T12:00:00Z"))).toMatchObject({ start: "2026-04-01" });
    expect(withEvery({}, 0)).toEqual({ every: 1 });
  });

  it("are checked as the server checks them", () => {
    expect(problems(checkRecurring, { segment_id: 3, every: 1, unit: "months", start: "2027-01-31", at_hour: 10 })).toEqual([]);
    expect(problems(checkRecurring, { every: 0, unit: "years", start: "2027-02-30" })).toEqual([
      ["entry.segment_id", "required"],
      ["entry.every", "range"],
      ["entry.unit", "choice"],
      ["entry.start", "iso_date"],
    ]);
  });
});

describe("attribute thresholds", () => {
  it("are an event entry whose filters name the attribute, the line and the direction", () => {
    let entry = thresholdEntry();
    expect(entry).toEqual({ event_type: "attribute.threshold_crossed", where: [{ property: "direction", op: "eq", value: "up" }] });
    expect(problems(checkThreshold, entry)).toEqual([["entry.where", "threshold_attribute"]]);
    entry = withThresholdAttribute(entry, "loyalty_points");
    expect(problems(checkThreshold, entry)).toEqual([["entry.where", "threshold_value"]]);
    entry = withDirection(withThresholdValue(entry, 1000), "down");
    expect(entry.where).toEqual([
      { property: "attribute", op: "eq", value: "loyalty_points" },
      { property: "threshold", op: "eq", value: 1000 },
      { property: "direction", op: "eq", value: "down" },
    ]);
    expect(thresholdOf(entry)).toEqual({ attribute: "loyalty_points", threshold: 1000, direction: "down" });
    expect(problems(checkThreshold, entry)).toEqual([]);
    expect(thresholdOf(withDirection(entry, null)).direction).toBeNull();
  });

  it("also enter those already above: off by default, on for upward or any direction, dropped with down", () => {
    const line = withThresholdValue(withThresholdAttribute(thresholdEntry(), "loyalty_points"), 1000);
    expect(entersAlreadyAbove(line)).toBe(false);
    expect("enter_already_above" in line).toBe(false);
    expect(canEnterAlreadyAbove(line)).toBe(true);

    const on = withEnterAlreadyAbove(line, true);
    expect(on.enter_already_above).toBe(true);
    expect(problems(checkThreshold, on)).toEqual([]);
    expect(canEnterAlreadyAbove(withDirection(on, null))).toBe(true);
    expect(withDirection(on, null).enter_already_above).toBe(true);

    const down = withDirection(on, "down");
    expect(canEnterAlreadyAbove(down)).toBe(false);
    expect("enter_already_above" in down).toBe(false);
    expect(problems(checkThreshold, { ...down, enter_already_above: true })).toEqual([["entry.enter_already_above", "already_above_upward"]]);

    expect(withEnterAlreadyAbove(on, false)).toEqual(line);
  });

  it("read the loyalty preset's entry", () => {
    const preset = (presets as unknown as { key: string; definition: { entry: JsonObject } }[]).find((p) => p.key === "loyalty-milestone");
    expect(thresholdOf(preset!.definition.entry)).toEqual({ attribute: "loyalty_points", threshold: 1000, direction: "up" });
  });
});

describe("the presets and fixtures", () => {
  it("pass the editor's validation with their date, recurring and threshold entries", () => {
    const keys = ["check-up-reminder", "monthly-tips", "loyalty-milestone"];
    for (const preset of (presets as unknown as { key: string; definition: JsonObject }[]).filter((p) => keys.includes(p.key))) {
      expect(validate(preset.definition)).toEqual([]);
    }
    const fixture = everyNode as unknown as { definition: JsonObject; entries: JsonObject[] };
    for (const entry of fixture.entries.filter((e) => e.type === "date" || e.type === "recurring")) {
      expect(validate({ ...fixture.definition, entry })).toEqual([]);
    }
  });
});

describe("messages", () => {
  const ids = [
    "dates.editor.group",
    ...[...PROFILE_DATE_FIELDS, "attribute"].map((f) => `dates.editor.field.${f}`),
    ...REPEATS.map((r) => `dates.editor.repeat.${r}`),
    ...UNITS.map((u) => `dates.editor.unit.${u}`),
    ...DIRECTIONS.map((d) => `dates.editor.direction.${d}`),
    "dates.editor.when.before",
    "dates.editor.when.after",
    "dates.editor.threshold.alreadyAbove",
    "dates.editor.threshold.alreadyAbove.on",
    "dates.editor.threshold.alreadyAbove.off",
  ];
  const problemIds = ["attribute_key", "attribute_only", "iso_date", "threshold_attribute", "threshold_value", "already_above_upward"].map((c) => `editor.problem.${c}`);

  it.each([
    ["en", enDates as Record<string, string>, enEditor as Record<string, string>],
    ["de", deDates as Record<string, string>, deEditor as Record<string, string>],
  ])("exist in %s", (_lang, dates, editor) => {
    expect(ids.filter((id) => !(id in dates))).toEqual([]);
    expect(problemIds.filter((id) => !(id in editor))).toEqual([]);
  });

  it("are the same ids in English and German", () => {
    expect(Object.keys(deDates).sort()).toEqual(Object.keys(enDates).sort());
  });
});
