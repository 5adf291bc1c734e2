/**
 * The survey and prize-draw forms: what the admin typed checked as the app checks it
 * (programmes/services.py), turned into the API's input, and the API's refusals placed at
 * the field they are about. Problems are message ids (programmes.json).
 */

import type { FieldError } from "../lib/graphql";

/** A key: 2 to 64 lower-case letters, digits and hyphens, not starting with a hyphen. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;
export const NAME_MAX = 120;
export const QUESTION_MAX = 300;
export const PRIZE_MAX = 300;
export const WINNERS_MAX = 1000;
export const SEED_MAX = 128;

/** The scales a survey takes, as "min-max" (0-10 is a Net Promoter Score question). */
export const SCALES = ["0-10", "1-10", "1-5", "0-5"] as const;
export type Scale = (typeof SCALES)[number];

export const scaleOf = (scaleMin: number, scaleMax: number): string => `${scaleMin}-${scaleMax}`;

export type SurveyForm = { key: string; name: string; question: string; scale: Scale; askComment: boolean; open: boolean };
export type SurveyField = "key" | "name" | "question" | "scale";
export type DrawForm = { key: string; name: string; prize: string; winners: string; closesAt: string };
export type DrawField = "key" | "name" | "prize" | "winners" | "closesAt";

export const EMPTY_SURVEY: SurveyForm = { key: "", name: "", question: "", scale: "0-10", askComment: true, open: true };
export const EMPTY_DRAW: DrawForm = { key: "", name: "", prize: "", winners: "1", closesAt: "" };

export type Checked<Input, Field extends string> = { ok: true; input: Input } | { ok: false; problems: Partial<Record<Field, string>> };

const textProblem = (value: string, max: number, id: string): string | null => {
  const length = value.trim().length;
  return length === 0 ? `programmes.problem.${id}Empty` : length > max ? `programmes.problem.${id}Long` : null;
};

const keyProblem = (key: string): string | null => (KEY_PATTERN.test(key) ? null : "programmes.problem.key");

export type SurveyCreateInput = { key: string; name: string; question: string; scaleMin: number; scaleMax: number; askComment: boolean };
export type SurveyUpdateInput = { name: string; question: string; askComment: boolean; open: boolean };

const collect = <Field extends string>(entries: [Field, string | null][]): Partial<Record<Field, string>> =>
  Object.fromEntries(entries.filter((entry): entry is [Field, string] => entry[1] !== null)) as Partial<Record<Field, string>>;

/** A new survey's input, or its problems per field. */
export const checkSurveyCreate = (form: SurveyForm): Checked<SurveyCreateInput, SurveyField> => {
  const problems = collect<SurveyField>([
    ["key", keyProblem(form.key)],
    ["name", textProblem(form.name, NAME_MAX, "name")],
    ["question", textProblem(form.question, QUESTION_MAX, "question")],
    ["scale", (SCALES as readonly string[]).includes(form.scale) ? null : "programmes.problem.scale"],
  ]);
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const [scaleMin, scaleMax] = form.scale.split("-").map(Number) as [number, number];
  return {
    ok: true,
    input: { key: form.key, name: form.name.trim(), question: form.question.trim(), scaleMin, scaleMax, askComment: form.askComment },
  };
};

/** An existing survey's input (its key and scale are fixed), or its problems per field. */
export const checkSurveyUpdate = (form: SurveyForm): Checked<SurveyUpdateInput, SurveyField> => {
  const problems = collect<SurveyField>([
    ["name", textProblem(form.name, NAME_MAX, "name")],
    ["question", textProblem(form.question, QUESTION_MAX, "question")],
  ]);
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, input: { name: form.name.trim(), question: form.question.trim(), askComment: form.askComment, open: form.open } };
};

const LOCAL_MOMENT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * A `datetime-local` value ("2026-12-24T18:00") in the browser's time zone as an ISO moment
 * with its offset (UTC), or null for a value that names no moment (a day the month lacks, a
 * time a clock change skips).
 */
export const momentOf = (value: string): string | null => {
  const match = LOCAL_MOMENT.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(year, month - 1, day, hour, minute);
  const same =
    date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day && date.getHours() === hour && date.getMinutes() === minute;
  return same ? date.toISOString() : null;
};

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO moment as a `datetime-local` value in the browser's time zone; "" for none. */
export const localInputOf = (iso: string | null): string => {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

export type DrawInput = { name: string; prize: string; winnersCount: number; closesAt: string | null };
export type DrawCreateInput = DrawInput & { key: string };

/** A draw's input (with its key when `creating`), or its problems per field. A closing time
 * must be later than `nowMs` when it is set or changed (`previousClosesAt` is kept as it was). */
export const checkDraw = (
  form: DrawForm,
  { creating, nowMs, previousClosesAt = null }: { creating: boolean; nowMs: number; previousClosesAt?: string | null },
): Checked<DrawCreateInput, DrawField> => {
  const winners = form.winners.trim();
  const winnersCount = /^\d+$/.test(winners) ? Number(winners) : Number.NaN;
  const closesAt = form.closesAt === "" ? null : momentOf(form.closesAt);
  const unchanged = closesAt !== null && previousClosesAt !== null && Date.parse(closesAt) === Date.parse(previousClosesAt);
  const problems = collect<DrawField>([
    ["key", creating ? keyProblem(form.key) : null],
    ["name", textProblem(form.name, NAME_MAX, "name")],
    ["prize", form.prize.trim().length > PRIZE_MAX ? "programmes.problem.prizeLong" : null],
    ["winners", winnersCount >= 1 && winnersCount <= WINNERS_MAX ? null : "programmes.problem.winners"],
    [
      "closesAt",
      form.closesAt !== "" && closesAt === null
        ? "programmes.problem.closesAt"
        : closesAt !== null && !unchanged && Date.parse(closesAt) <= nowMs
          ? "programmes.problem.closesAtPast"
          : null,
    ],
  ]);
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, input: { key: form.key, name: form.name.trim(), prize: form.prize.trim(), winnersCount, closesAt } };
};

/** A seed's problem (at most 128 characters; "" asks the app for a random one), or null. */
export const seedProblem = (seed: string): string | null => (seed.trim().length > SEED_MAX ? "programmes.problem.seed" : null);

// The API's input names (``extensions.fields``) where the form calls its field otherwise.
const FORM_FIELD: Record<string, SurveyField | DrawField> = { winnersCount: "winners" };
const FORM_FIELDS = new Set<string>(["key", "name", "question", "scale", "prize", "winners", "closesAt"]);

/**
 * The field a refusal of createSurvey/updateSurvey/createDraw/updateDraw is about, from the
 * input the API names in `extensions.fields`; null for one about the whole form (a toast says it).
 */
export const refusedField = (fields: readonly FieldError[] | undefined): SurveyField | DrawField | null => {
  const named = fields?.[0]?.field;
  if (!named) return null;
  const field = FORM_FIELD[named] ?? named;
  return FORM_FIELDS.has(field) ? (field as SurveyField | DrawField) : null;
};
