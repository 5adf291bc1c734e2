/**
 * The survey and prize-draw events the palette offers as entries (programmes/, docs/
 * programmes.md): "Survey answered" (`survey.answered`, one run per contact and survey) with
 * filters on the survey's key, a least score (`score gte N`) and an NPS group (`nps_group eq`),
 * and "Prize won" (`draw.won`, one run per contact and draw) with a filter on the draw's key.
 * The definition holds only the filters; these functions read and write them, keeping any other
 * filter the admin added.
 */
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

export type ProgrammeTrigger = {
  id: "survey_answered" | "draw_won";
  eventType: string;
  /** The property a run is keyed by: one run per contact and survey (or draw). */
  entryKey: string;
  labelId: string;
  descriptionId: string;
};

export const NPS_GROUPS = ["promoter", "passive", "detractor"] as const;
export type NpsGroup = (typeof NPS_GROUPS)[number];

export const PROGRAMME_TRIGGERS: readonly ProgrammeTrigger[] = [
  {
    id: "survey_answered",
    eventType: "survey.answered",
    entryKey: "survey",
    labelId: "programmes.editor.survey_answered",
    descriptionId: "programmes.editor.survey_answered.description",
  },
  {
    id: "draw_won",
    eventType: "draw.won",
    entryKey: "draw",
    labelId: "programmes.editor.draw_won",
    descriptionId: "programmes.editor.draw_won.description",
  },
];

export const programmeTrigger = (id: string): ProgrammeTrigger | null => PROGRAMME_TRIGGERS.find((t) => t.id === id) ?? null;

/** The trigger an entry configuration starts on, if it is one of them. */
export const programmeTriggerOf = (config: JsonObject): ProgrammeTrigger | null =>
  PROGRAMME_TRIGGERS.find((t) => t.eventType === config.event_type) ?? null;

/** A new entry on the trigger: no filter yet (any survey or draw). */
export const programmeEntry = (trigger: ProgrammeTrigger): JsonObject => ({ event_type: trigger.eventType, where: [], entry_key: trigger.entryKey });

const filters = (config: JsonObject): Json[] => (Array.isArray(config.where) ? config.where : []);

const valueOf = (config: JsonObject, property: string, op: string): Json | undefined => {
  const found = filters(config).find((f) => isObject(f) && f.property === property && f.op === op);
  return isObject(found) ? found.value : undefined;
};

/** The configuration with its filter on `property` replaced (removed when `value` is null),
 * the others kept in their order. */
const withFilter = (config: JsonObject, property: string, op: string, value: Json | null): JsonObject => {
  const others = filters(config).filter((f) => !(isObject(f) && f.property === property));
  return { ...config, where: value === null ? others : [...others, { property, op, value }] };
};

/** The survey's or draw's key the entry is limited to; "" for any. */
export const programmeKey = (config: JsonObject): string => {
  const trigger = programmeTriggerOf(config);
  const value = trigger ? valueOf(config, trigger.entryKey, "eq") : undefined;
  return typeof value === "string" ? value : "";
};

export const withProgrammeKey = (config: JsonObject, key: string): JsonObject => {
  const trigger = programmeTriggerOf(config);
  return trigger ? withFilter(config, trigger.entryKey, "eq", key.trim() === "" ? null : key.trim()) : config;
};

/** N of "score at least N", or null for any score. */
export const leastScore = (config: JsonObject): number | null => {
  const value = valueOf(config, "score", "gte");
  return typeof value === "number" ? value : null;
};

export const withLeastScore = (config: JsonObject, score: number | null): JsonObject =>
  withFilter(config, "score", "gte", score === null ? null : Math.min(10, Math.max(0, Math.round(score))));

/** The NPS group the entry is limited to (0-10 surveys only), or null for any. */
export const npsGroup = (config: JsonObject): NpsGroup | null => {
  const value = valueOf(config, "nps_group", "eq");
  return (NPS_GROUPS as readonly Json[]).includes(value ?? null) ? (value as NpsGroup) : null;
};

export const withNpsGroup = (config: JsonObject, group: NpsGroup | null): JsonObject => withFilter(config, "nps_group", "eq", group);
