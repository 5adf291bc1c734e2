/**
 * The new-broadcast form: its state, what is wrong with it (message ids per field), and the
 * journey definition it becomes (`journeys/definition.py`: a broadcast entry, then one
 * send_email, or a 50/50 split of two templates with a test share whose winner the rest gets,
 * or one template with subject variants in equal shares).
 */
import { localSendAt, localWindow, parseWall, zonedToUtc } from "./schedule";

export type ContentMode = "single" | "templates" | "subjects";
export type ScheduleMode = "now" | "at" | "local";

export type BroadcastForm = {
  name: string;
  segmentId: string; // the segment's global id
  mode: ContentMode;
  template: string; // a template key ("single" and "subjects"; A of "templates")
  templateB: string;
  subjects: [string, string];
  sharePercent: string;
  waitHours: string;
  schedule: ScheduleMode;
  date: string; // "2026-12-01"
  time: string; // "09:00"
  bestTime: boolean; // each recipient's best moment within 24 hours (entry.best_time)
};

export const EMPTY_FORM: BroadcastForm = {
  name: "",
  segmentId: "",
  mode: "single",
  template: "",
  templateB: "",
  subjects: ["", ""],
  sharePercent: "20",
  waitHours: "4",
  schedule: "now",
  date: "",
  time: "",
  bestTime: false,
};

export type Field = "name" | "segmentId" | "template" | "templateB" | "subject0" | "subject1" | "sharePercent" | "waitHours" | "date" | "time";
export type Problems = Partial<Record<Field, string>>;

export const MAX_NAME = 120;
export const MAX_SUBJECT = 300;

const intIn = (raw: string, low: number, high: number): number | null => {
  if (!/^\d{1,4}$/.test(raw.trim())) return null;
  const value = Number(raw.trim());
  return value >= low && value <= high ? value : null;
};

export type Checked =
  | { ok: true; definition: Record<string, unknown>; sendAt: string | null; problems: Problems }
  | { ok: false; problems: Problems };

/** The segment's integer id, as a definition names it, from its global id ("Segment:5"). */
export const segmentPk = (globalId: string): number | null => {
  try {
    const match = /^Segment:(\d{1,15})$/.exec(atob(globalId));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
};

/** The send time: null for "now" (taken when the admin confirms), else send_at, or a problem. */
const scheduleOf = (form: BroadcastForm, zone: string, now: number): { sendAt: string | null; problems: Problems } => {
  if (form.schedule === "now") return { sendAt: null, problems: {} };
  if (form.date.trim() === "") return { sendAt: null, problems: { date: "broadcasts.error.date" } };
  if (form.time.trim() === "") return { sendAt: null, problems: { time: "broadcasts.error.time" } };
  const wall = parseWall(form.date, form.time);
  if (!wall) return { sendAt: null, problems: { date: "broadcasts.error.dateInvalid" } };
  if (form.schedule === "local") {
    if (localWindow(wall).last <= now) return { sendAt: null, problems: { time: "broadcasts.error.localPassed" } };
    return { sendAt: localSendAt(wall), problems: {} };
  }
  const at = zonedToUtc(wall, zone);
  if (at === null) return { sendAt: null, problems: { time: "broadcasts.error.timeSkipped" } };
  if (at <= now) return { sendAt: null, problems: { time: "broadcasts.error.past" } };
  return { sendAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, "+00:00"), problems: {} };
};

/** The form checked in the admin's `zone` at `now` (ms); its definition when nothing is wrong.
 * For "now", send_at is `now` itself: call it again when the admin confirms. */
export const checkForm = (form: BroadcastForm, zone: string, now: number): Checked => {
  const problems: Problems = {};
  const name = form.name.trim();
  if (name === "") problems.name = "broadcasts.error.name";
  else if (name.length > MAX_NAME) problems.name = "broadcasts.error.nameLong";
  const segment = segmentPk(form.segmentId);
  if (segment === null) problems.segmentId = "broadcasts.error.segment";
  if (form.template === "") problems.template = "broadcasts.error.template";
  let share: number | null = null;
  let wait: number | null = null;
  if (form.mode === "templates") {
    if (form.templateB === "") problems.templateB = "broadcasts.error.template";
    else if (form.templateB === form.template) problems.templateB = "broadcasts.error.sameTemplate";
    share = intIn(form.sharePercent, 5, 50);
    if (share === null) problems.sharePercent = "broadcasts.error.share";
    wait = intIn(form.waitHours, 1, 168);
    if (wait === null) problems.waitHours = "broadcasts.error.wait";
  }
  const subjects = form.subjects.map((s) => s.trim());
  if (form.mode === "subjects") {
    subjects.forEach((subject, i) => {
      const field = `subject${i}` as "subject0" | "subject1";
      if (subject === "") problems[field] = "broadcasts.error.subject";
      else if (subject.length > MAX_SUBJECT) problems[field] = "broadcasts.error.subjectLong";
    });
    if (!problems.subject1 && subjects[0] !== "" && subjects[0] === subjects[1]) problems.subject1 = "broadcasts.error.sameSubject";
  }
  if (form.mode === "templates" && form.schedule === "local") problems.time = "broadcasts.error.testLocal";
  if (form.bestTime && form.schedule === "local") problems.time = "broadcasts.error.bestTimeLocal";
  const schedule = scheduleOf(form, zone, now);
  Object.assign(problems, { ...schedule.problems, ...problems });
  if (Object.keys(problems).length > 0 || segment === null) return { ok: false, problems };

  const sendAt = schedule.sendAt ?? new Date(now).toISOString().replace(/\.\d{3}Z$/, "+00:00");
  const entry: Record<string, unknown> = { type: "broadcast", segment_id: segment, send_at: sendAt };
  if (form.schedule === "local") entry.local_time = true;
  if (form.bestTime) entry.best_time = true;
  const end = { type: "exit" };
  if (form.mode === "templates") {
    entry.test = { split: "ab", share_percent: share, wait_hours: wait, metric: "click" };
    return {
      ok: true,
      sendAt: schedule.sendAt,
      problems,
      definition: {
        entry,
        start: "ab",
        nodes: {
          ab: { type: "split", branches: [{ percent: 50, next: "a" }, { percent: 50, next: "b" }] },
          a: { type: "send_email", template: form.template, next: "end" },
          b: { type: "send_email", template: form.templateB, next: "end" },
          end,
        },
      },
    };
  }
  const mail: Record<string, unknown> = { type: "send_email", template: form.template, next: "end" };
  if (form.mode === "subjects") mail.subject_variants = subjects;
  return { ok: true, sendAt: schedule.sendAt, problems, definition: { entry, start: "mail", nodes: { mail, end } } };
};

/** The API's refusal of a definition field ("entry.send_at") as the form field it concerns. */
export const fieldOfDefinitionError = (field: string): Field | null => {
  if (field.startsWith("entry.send_at")) return "time";
  if (field.startsWith("entry.segment_id")) return "segmentId";
  if (field.startsWith("entry.test.share_percent")) return "sharePercent";
  if (field.startsWith("entry.test.wait_hours")) return "waitHours";
  if (field === "nodes.b" || field.startsWith("nodes.b.")) return "templateB";
  if (field.startsWith("nodes.mail.subject_variants")) return "subject0";
  if (field.startsWith("nodes.")) return "template";
  if (field === "entry" || field.startsWith("entry.")) return "time";
  return null;
};

/** A publish check's problem (`journeyCheck`, `publishJourney.errors`) as the form field it concerns. */
export const fieldOfNodeError = (nodeId: string, field: string): Field => {
  if (nodeId === "entry") return field.includes("segment") ? "segmentId" : "time";
  return nodeId === "b" ? "templateB" : "template";
};
