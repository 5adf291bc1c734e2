import { beforeAll, describe, expect, it } from "vitest";

import {
  checkDraw,
  checkSurveyCreate,
  checkSurveyUpdate,
  EMPTY_DRAW,
  EMPTY_SURVEY,
  localInputOf,
  momentOf,
  refusedField,
  seedProblem,
} from "./forms";

beforeAll(() => {
  // Node reads TZ again when it changes: local times below are Berlin's.
  process.env.TZ = "Europe/Berlin";
});

const NOW = Date.parse("2026-12-05T11:00:00Z");
const survey = { ...EMPTY_SURVEY, key: "nps", name: " After delivery ", question: " How likely …? " };
const draw = { ...EMPTY_DRAW, key: "xmas-draw", name: "Christmas draw", prize: " A hamper ", winners: "3" };

describe("checkSurveyCreate", () => {
  it("gives the API's input: trimmed texts, the scale's two ends", () => {
    expect(checkSurveyCreate({ ...survey, scale: "1-5", askComment: false })).toEqual({
      ok: true,
      input: { key: "nps", name: "After delivery", question: "How likely …?", scaleMin: 1, scaleMax: 5, askComment: false },
    });
  });

  it("places each problem at its field", () => {
    expect(checkSurveyCreate({ ...EMPTY_SURVEY, key: "-nps", question: "q".repeat(301) })).toEqual({
      ok: false,
      problems: { key: "programmes.problem.key", name: "programmes.problem.nameEmpty", question: "programmes.problem.questionLong" },
    });
    expect(checkSurveyCreate({ ...survey, key: "NPS" })).toEqual({ ok: false, problems: { key: "programmes.problem.key" } });
    expect(checkSurveyCreate({ ...survey, key: "n" })).toEqual({ ok: false, problems: { key: "programmes.problem.key" } });
    expect(checkSurveyCreate({ ...survey, key: "a".repeat(65) })).toEqual({ ok: false, problems: { key: "programmes.problem.key" } });
    expect(checkSurveyCreate({ ...survey, key: "a".repeat(64) }).ok).toBe(true);
    expect(checkSurveyCreate({ ...survey, name: "n".repeat(121) })).toEqual({ ok: false, problems: { name: "programmes.problem.nameLong" } });
  });
});

describe("checkSurveyUpdate", () => {
  it("leaves the key and scale out (they are fixed) and carries open", () => {
    expect(checkSurveyUpdate({ ...survey, key: "", open: false })).toEqual({
      ok: true,
      input: { name: "After delivery", question: "How likely …?", askComment: true, open: false },
    });
    expect(checkSurveyUpdate({ ...survey, question: "  " })).toEqual({ ok: false, problems: { question: "programmes.problem.questionEmpty" } });
  });
});

describe("closing times", () => {
  it("reads a datetime-local value in the browser's zone", () => {
    expect(momentOf("2026-12-24T18:00")).toBe("2026-12-24T17:00:00.000Z");
    expect(momentOf("2026-07-01T18:00")).toBe("2026-07-01T16:00:00.000Z");
  });

  it("refuses a value that names no moment", () => {
    expect(momentOf("2026-02-30T10:00")).toBeNull();
    expect(momentOf("2027-03-28T02:30")).toBeNull(); // skipped by the clock change
    expect(momentOf("24.12.2026 18:00")).toBeNull();
  });

  it("shows a moment back in the browser's zone", () => {
    expect(localInputOf("2026-12-24T17:00:00+00:00")).toBe("2026-12-24T18:00");
    expect(localInputOf(null)).toBe("");
  });
});

describe("checkDraw", () => {
  it("gives the API's input", () => {
    expect(checkDraw({ ...draw, closesAt: "2026-12-24T18:00" }, { creating: true, nowMs: NOW })).toEqual({
      ok: true,
      input: { key: "xmas-draw", name: "Christmas draw", prize: "A hamper", winnersCount: 3, closesAt: "2026-12-24T17:00:00.000Z" },
    });
    expect(checkDraw(draw, { creating: true, nowMs: NOW })).toMatchObject({ ok: true, input: { closesAt: null } });
  });

  it("places each problem at its field", () => {
    expect(checkDraw({ ...EMPTY_DRAW, key: "x y", winners: "0", prize: "p".repeat(301), closesAt: "2026-12-01T10:00" }, { creating: true, nowMs: NOW })).toEqual({
      ok: false,
      problems: {
        key: "programmes.problem.key",
        name: "programmes.problem.nameEmpty",
        prize: "programmes.problem.prizeLong",
        winners: "programmes.problem.winners",
        closesAt: "programmes.problem.closesAtPast",
      },
    });
    for (const winners of ["1001", "2.5", "", "-1"]) {
      expect(checkDraw({ ...draw, winners }, { creating: true, nowMs: NOW })).toEqual({ ok: false, problems: { winners: "programmes.problem.winners" } });
    }
    expect(checkDraw({ ...draw, winners: "1000" }, { creating: true, nowMs: NOW }).ok).toBe(true);
  });

  it("checks no key when editing, and keeps a closing time passed already as it was", () => {
    const past = "2026-12-01T09:00:00+00:00";
    expect(checkDraw({ ...draw, key: "", closesAt: localInputOf(past) }, { creating: false, nowMs: NOW, previousClosesAt: past }).ok).toBe(true);
    expect(checkDraw({ ...draw, key: "", closesAt: "2026-12-01T11:00" }, { creating: false, nowMs: NOW, previousClosesAt: past })).toEqual({
      ok: false,
      problems: { closesAt: "programmes.problem.closesAtPast" },
    });
  });
});

describe("seeds and refusals", () => {
  it("takes a seed of at most 128 characters", () => {
    expect(seedProblem("")).toBeNull();
    expect(seedProblem("s".repeat(128))).toBeNull();
    expect(seedProblem("s".repeat(129))).toBe("programmes.problem.seed");
  });

  it("places the API's refusals at the input they name", () => {
    const at = (field: string) => [{ field, message: "refused" }];
    expect(refusedField(at("key"))).toBe("key");
    expect(refusedField(at("name"))).toBe("name");
    expect(refusedField(at("question"))).toBe("question");
    expect(refusedField(at("scale"))).toBe("scale");
    expect(refusedField(at("winnersCount"))).toBe("winners");
    expect(refusedField(at("closesAt"))).toBe("closesAt");
    expect(refusedField(at("seed"))).toBeNull(); // the draw dialog's own check says it
    expect(refusedField([])).toBeNull();
    expect(refusedField(undefined)).toBeNull(); // CLOSED: about the whole draw
  });
});
