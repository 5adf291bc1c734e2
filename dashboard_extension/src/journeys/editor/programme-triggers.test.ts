import { describe, expect, it } from "vitest";

import {
  leastScore,
  npsGroup,
  programmeEntry,
  programmeKey,
  programmeTrigger,
  programmeTriggerOf,
  withLeastScore,
  withNpsGroup,
  withProgrammeKey,
} from "./programme-triggers";
import type { JsonObject } from "./types";

const survey = programmeTrigger("survey_answered")!;
const draw = programmeTrigger("draw_won")!;

describe("programme triggers", () => {
  it("start as event entries, one run per contact and survey or draw", () => {
    expect(programmeEntry(survey)).toEqual({ event_type: "survey.answered", where: [], entry_key: "survey" });
    expect(programmeEntry(draw)).toEqual({ event_type: "draw.won", where: [], entry_key: "draw" });
    expect(programmeTriggerOf({ event_type: "draw.won" })).toBe(draw);
    expect(programmeTriggerOf({ event_type: "order.placed" })).toBeNull();
    expect(programmeTrigger("nope")).toBeNull();
  });

  it("write the survey's key, a least score and an NPS group as the entry's filters", () => {
    const other = { property: "has_comment", op: "eq", value: true };
    let config: JsonObject = { ...programmeEntry(survey), where: [other] };
    config = withLeastScore(withProgrammeKey(config, " nps "), 9);
    config = withNpsGroup(config, "promoter");
    expect(config.where).toEqual([
      other,
      { property: "survey", op: "eq", value: "nps" },
      { property: "score", op: "gte", value: 9 },
      { property: "nps_group", op: "eq", value: "promoter" },
    ]);
    expect([programmeKey(config), leastScore(config), npsGroup(config)]).toEqual(["nps", 9, "promoter"]);
    expect(withLeastScore(config, 12.4).where).toContainEqual({ property: "score", op: "gte", value: 10 });
    const cleared = withNpsGroup(withLeastScore(withProgrammeKey(config, ""), null), null);
    expect(cleared.where).toEqual([other]);
    expect([programmeKey(cleared), leastScore(cleared), npsGroup(cleared)]).toEqual(["", null, null]);
  });

  it("key a draw.won entry by the draw", () => {
    expect(withProgrammeKey(programmeEntry(draw), "prize-draw").where).toEqual([{ property: "draw", op: "eq", value: "prize-draw" }]);
    expect(withProgrammeKey({ event_type: "order.placed", where: [] }, "x")).toEqual({ event_type: "order.placed", where: [] });
  });
});
