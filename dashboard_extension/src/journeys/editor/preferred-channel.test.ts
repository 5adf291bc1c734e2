import { describe, expect, it } from "vitest";

import { NODE_SPECS } from "./catalogue";
import {
  channelRows,
  channelsLeft,
  checkPreferred,
  preferredSummary,
  rowAdded,
  rowMoved,
  rowRemoved,
  templateSet,
  withRows,
} from "./preferred-channel";
import { summaryOf } from "./summary";
import type { JsonObject } from "./types";
import { validateDefinition } from "./validate";

const problemsOf = (node: JsonObject) => {
  const found: [string, string][] = [];
  checkPreferred(node, (field, code) => found.push([field, code]));
  return found;
};

describe("a send-on-the-preferred-channel step's channels", () => {
  it("starts with email then SMS, templates to choose", () => {
    const config = NODE_SPECS.send_preferred.defaults();

    expect(config).toEqual({ templates: { email: "", sms: "" }, fallback: ["email", "sms"], at_best_hour: false });
    expect(channelRows(config)).toEqual([
      { channel: "email", template: "" },
      { channel: "sms", template: "" },
    ]);
    expect(channelsLeft(channelRows(config))).toEqual(["push"]);
  });

  it("reads rows in fallback order, a channel with a template but not in the order last", () => {
    const config = { templates: { email: "mail", push: "note", sms: "text" }, fallback: ["sms", "email", "fax"] };

    expect(channelRows(config)).toEqual([
      { channel: "sms", template: "text" },
      { channel: "email", template: "mail" },
      { channel: "push", template: "note" },
    ]);
  });

  it("writes templates and the fallback order together, keeping the step's other keys", () => {
    const config = { type: "send_preferred", templates: { email: "mail" }, fallback: ["email"], at_best_hour: true, next: "end" };
    let rows = rowAdded(channelRows(config), "push");
    rows = templateSet(rows, "push", "note");
    rows = rowMoved(rows, 1, -1);

    expect(withRows(config, rows)).toEqual({
      type: "send_preferred",
      templates: { push: "note", email: "mail" },
      fallback: ["push", "email"],
      at_best_hour: true,
      next: "end",
    });
    expect(withRows(config, rowRemoved(rows, "push"))).toMatchObject({ templates: { email: "mail" }, fallback: ["email"] });
  });

  it("moves nothing past either end and adds a channel once", () => {
    const rows = channelRows({ templates: { email: "a", sms: "b" }, fallback: ["email", "sms"] });

    expect(rowMoved(rows, 0, -1)).toEqual(rows);
    expect(rowMoved(rows, 1, 1)).toEqual(rows);
    expect(rowMoved(rows, 0, 1).map((r) => r.channel)).toEqual(["sms", "email"]);
    expect(rowAdded(rows, "sms")).toEqual(rows);
  });

  it("refuses what definition.py refuses, each at its place", () => {
    expect(problemsOf({ templates: { email: "mail", sms: "text" }, fallback: ["sms", "email"] })).toEqual([]);
    expect(problemsOf({ templates: { email: "", sms: "Bad Key" }, fallback: ["email", "sms"] })).toEqual([
      ["templates.email", "required"],
      ["templates.sms", "template_key"],
    ]);
    expect(problemsOf({ templates: {}, fallback: [] })).toEqual([
      ["templates", "required"],
      ["fallback", "required"],
    ]);
    expect(problemsOf({ templates: { email: "mail", sms: "text" }, fallback: ["email"] })).toEqual([
      ["fallback", "preferred_fallback"],
    ]);
    expect(problemsOf({ templates: { email: "mail" }, fallback: ["email", "email"] })).toEqual([
      ["fallback", "preferred_twice"],
    ]);
    expect(problemsOf({ templates: { fax: "mail" }, fallback: ["fax"] })).toEqual([
      ["templates.fax", "preferred_channel"],
      ["fallback", "preferred_channel"],
    ]);
  });

  it("is marked in a journey by its node's path, and summarised by its order", () => {
    const definition = {
      entry: { type: "manual" },
      start: "send",
      nodes: {
        send: { type: "send_preferred", templates: { email: "mail", sms: "" }, fallback: ["sms", "email"], next: "end" },
        end: { type: "exit" },
      },
    };

    expect(validateDefinition(definition).map((p) => [p.path, p.code])).toEqual([["nodes.send.templates.sms", "required"]]);
    expect(summaryOf(definition.nodes.send)).toEqual({ text: "sms → email" });
    expect(preferredSummary({ templates: {}, fallback: [] })).toBeNull();
  });
});
