/**
 * "New email template": the form's values, the check made before calling the API, and which
 * field a refusal of createEmailTemplate, copyTemplate or renameTemplate concerns.
 */

export type StartChoice = "blank" | "starter" | "copy";
/** "" leaves the kind to the API: the starter's or the copied template's, else marketing. */
export type KindChoice = "" | "marketing" | "transactional";

export type CreateForm = {
  name: string;
  kind: KindChoice;
  start: StartChoice;
  starter: string;
  copyOf: string;
  subject: string;
  preheader: string;
};

export type CreateField = "name" | "kind" | "start" | "starter" | "copyOf" | "subject" | "preheader" | "description";
export type FieldProblems = Partial<Record<CreateField, string>>;

export const EMPTY_CREATE_FORM: CreateForm = {
  name: "",
  kind: "",
  start: "starter",
  starter: "",
  copyOf: "",
  subject: "",
  preheader: "",
};

export const MAX_NAME = 120;

export type CreateEmailTemplateInput = {
  name: string;
  kind?: string;
  start: { blank: true } | { starter: string } | { copyOf: string };
  subject?: string;
  preheader?: string;
};

const nameProblem = (name: string): string | null =>
  name.trim() === "" ? "templates.problem.nameRequired" : name.trim().length > MAX_NAME ? "templates.problem.nameTooLong" : null;

/** The mutation's input, or the message id of each field to fix first (nothing is sent then). */
export const createInput = (
  form: CreateForm,
): { ok: true; input: CreateEmailTemplateInput } | { ok: false; problems: FieldProblems } => {
  const problems: FieldProblems = {};
  const name = nameProblem(form.name);
  if (name) problems.name = name;
  if (form.start === "starter" && form.starter === "") problems.starter = "templates.problem.starterRequired";
  if (form.start === "copy" && form.copyOf === "") problems.copyOf = "templates.problem.copyOfRequired";
  if (form.start === "blank" && form.subject.trim() === "") problems.subject = "templates.problem.subjectRequired";
  if (Object.keys(problems).length > 0) return { ok: false, problems };

  const input: CreateEmailTemplateInput = {
    name: form.name.trim(),
    start: form.start === "blank" ? { blank: true } : form.start === "starter" ? { starter: form.starter } : { copyOf: form.copyOf },
  };
  if (form.kind !== "") input.kind = form.kind;
  if (form.start === "blank") {
    input.subject = form.subject;
    if (form.preheader !== "") input.preheader = form.preheader;
  }
  return { ok: true, input };
};

/** The name check of the copy and rename dialogs (null: fine). */
export const nameCheck = (name: string): string | null => nameProblem(name);

const REFUSAL_FIELDS: Record<string, CreateField> = {
  INVALID_NAME: "name",
  KEY_TAKEN: "name",
  INVALID_KEY: "name",
  INVALID_KIND: "kind",
  UNKNOWN_STARTER: "starter",
  INVALID_LANGUAGE: "start",
  WRONG_CHANNEL: "copyOf",
  EMPTY: "copyOf",
  NOT_FOUND: "copyOf",
  INVALID_TEMPLATE: "subject",
  INVALID_DESCRIPTION: "description",
};

/**
 * The field of `fields` a refusal (the API's `extensions.code`) concerns, or null: shown above
 * the form. A blank template's only render errors are its subject's (the MJML is the app's).
 */
export const refusalField = (code: string, fields: readonly CreateField[]): CreateField | null => {
  const field = REFUSAL_FIELDS[code];
  return field && fields.includes(field) ? field : null;
};

/** The fields the create dialog shows for a start. */
export const createFields = (start: StartChoice): CreateField[] => [
  "name",
  "kind",
  "start",
  ...(start === "starter" ? (["starter"] as const) : start === "copy" ? (["copyOf"] as const) : (["subject", "preheader"] as const)),
];
