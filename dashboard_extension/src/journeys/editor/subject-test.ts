/**
 * A send-email step's subject-line test (`subject_variants` in definition.py's SendEmail): none,
 * or 2 to 4 subjects of 1 to 300 characters, each sent in place of the template's subject to an
 * equal share of the runs. A test starts with two empty rows, takes rows up to four, and ends
 * when fewer than two would be left (the definition knows no test of one). The subjects are
 * Jinja like a template's subject; whether one parses is the server's check (`journeyCheck`
 * answers at `subject_variants.<i>`), the bounds are mirrored here.
 */
import type { Json, JsonObject } from "./types";

export const SUBJECT_FIELD = "subject_variants";
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;
export const MAX_SUBJECT = 300;

/** The subjects of a step's configuration ([] when it has no test). */
export const subjectVariants = (config: JsonObject): string[] => {
  const value = config[SUBJECT_FIELD];
  return Array.isArray(value) ? value.map((item) => (typeof item === "string" ? item : "")) : [];
};

/** The value to write for these subjects: undefined (the key left out) when there is no test. */
export const variantsValue = (variants: readonly string[]): Json | undefined => (variants.length === 0 ? undefined : [...variants]);

/** Turning a test on: two rows to fill in. */
export const startTest = (): string[] => Array.from({ length: MIN_VARIANTS }, () => "");

export const canAddVariant = (variants: readonly string[]): boolean => variants.length > 0 && variants.length < MAX_VARIANTS;

export const addVariant = (variants: readonly string[]): string[] => (canAddVariant(variants) ? [...variants, ""] : [...variants]);

/** Without the row; a test left with one subject is no test (none at all). */
export const removeVariant = (variants: readonly string[], index: number): string[] => {
  const rest = variants.filter((_, i) => i !== index);
  return rest.length < MIN_VARIANTS ? [] : rest;
};

export const setVariant = (variants: readonly string[], index: number, subject: string): string[] =>
  variants.map((current, i) => (i === index ? subject : current));

/** "A", "B", ... as the canvas and the analytics name a subject variant. */
export const variantLetter = (index: number): string => String.fromCharCode(65 + index);

type Add = (field: string, code: string, values?: Record<string, string | number>) => void;

/** What journey_parse refuses in a step's subjects (at its paths: the list, or one subject). */
export const checkSubjectVariants = (value: Json | undefined, add: Add): void => {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    add(SUBJECT_FIELD, "subject_count", { min: MIN_VARIANTS, max: MAX_VARIANTS });
    return;
  }
  if (value.length === 1 || value.length > MAX_VARIANTS) add(SUBJECT_FIELD, "subject_count", { min: MIN_VARIANTS, max: MAX_VARIANTS });
  value.forEach((subject, index) => {
    if (typeof subject !== "string" || subject.trim() === "") add(`${SUBJECT_FIELD}.${index}`, "subject_blank");
    else if (subject.length > MAX_SUBJECT) add(`${SUBJECT_FIELD}.${index}`, "too_long", { max: MAX_SUBJECT });
  });
};

/** The codes `checkSubjectVariants` reports (each an `editor.problem.<code>` message). */
export const SUBJECT_PROBLEM_CODES = ["subject_count", "subject_blank", "too_long"] as const;
