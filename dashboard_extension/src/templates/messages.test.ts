/** Every message id the templates screens build at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import de from "../i18n/de/templates.json";
import en from "../i18n/en/templates.json";
import { locationOf, testAddressProblem } from "./detail";
import { CHANNELS, channelMessageId, kindMessageId } from "./list";
import { channelFormProblems } from "./channel-create";
import { newLanguageProblem } from "./detail";
import { segmentSummary, textProblems } from "./text-editor";
import { useMessageId } from "./usage";

const use = (published: boolean, draft: boolean) => ({ journeyId: "J", journeyName: "n", status: "active", published, draft });

const built = [
  ...CHANNELS.map(channelMessageId),
  ...CHANNELS.map((channel) => `templates.empty.${channel}`),
  ...["marketing", "transactional", "other"].map(kindMessageId),
  ...["marketing", "transactional", "auto"].map((kind) => `templates.kind.${kind}`),
  ...["blank", "starter", "copy"].map((start) => `templates.start.${start}`),
  ...["name", "kind", "languages", "latest", "journeys", "actions"].map((column) => `templates.list.column.${column}`),
  ...[use(true, true), use(true, false), use(false, true)].map(useMessageId),
  ...["subject", "preheader", "mjml", "title", "text", "pushUrl"].map((field) => `templates.field.${field}`),
  ...["number", "created", "subject"].map((column) => `templates.versions.column.${column}`),
  ...["", "a@b"].map((to) => testAddressProblem(to) ?? "missing"),
  ...[{ line: 1, column: 2 }, { line: 1, column: null }].map((at) => locationOf(at)?.id ?? "missing"),
  ...["unchanged", "checking", "invalid", "ready"].map((state) => `templates.editor.state.${state}`),
  ...Object.values(channelFormProblems({ name: "", key: "", kind: "marketing" })),
  ...Object.values(channelFormProblems({ name: "x", key: "X", kind: "marketing" })),
  ...["", "x", "en"].map((typed) => newLanguageProblem(typed, ["en"]) ?? "missing"),
  ...(["sms", "push"] as const).flatMap((channel) => [`templates.createChannel.button.${channel}`, `templates.createChannel.title.${channel}`]),
  ...Object.values(textProblems("push", { title: "", text: "", url: "x" })),
  ...[0, 1].map((count) => segmentSummary({ encoding: "GSM-7", count, units: count }).id),
  ...["nameRequired", "nameTooLong", "starterRequired", "copyOfRequired", "subjectRequired"].map((p) => `templates.problem.${p}`),
];

describe("templates messages", () => {
  it("has every built id in English and German", () => {
    expect(built.filter((id) => !(id in en))).toEqual([]);
    expect(built.filter((id) => !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
