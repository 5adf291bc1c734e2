import { describe, expect, it } from "vitest";

import { ENTRY_SPECS, NODE_SPECS, outputsOf } from "./catalogue";
import type { JsonObject } from "./types";
import { ENTRY_TYPES, NODE_TYPES } from "./types";
import { validateDefinition } from "./validate";

describe("node catalogue", () => {
  it("describes every entry and node type of the definition language", () => {
    expect(Object.keys(ENTRY_SPECS).sort()).toEqual([...ENTRY_TYPES].sort());
    expect(Object.keys(NODE_SPECS).sort()).toEqual([...NODE_TYPES].sort());
  });

  it("names each type's outputs, a split's from its branches with their shares", () => {
    expect(outputsOf("condition", {}).map((o) => o.handle)).toEqual(["yes", "no"]);
    expect(outputsOf("wait_for_event", {}).map((o) => o.handle)).toEqual(["on_event", "on_timeout"]);
    expect(outputsOf("exit", {})).toEqual([]);
    expect(outputsOf("split", { branches: [{ percent: 20 }, { percent: 80 }] })).toEqual([
      { handle: "branch-0", labelId: "editor.output.branch", percent: 20 },
      { handle: "branch-1", labelId: "editor.output.branch", percent: 80 },
    ]);
  });

  it("starts each node with a configuration that lacks only what the admin must choose", () => {
    const unconfigured = Object.fromEntries(
      NODE_TYPES.map((type) => {
        const node = { type, ...NODE_SPECS[type].defaults() };
        const outputs = Object.fromEntries(
          type === "split" ? [] : outputsOf(type, node).map((o) => [o.handle, "end"]),
        );
        const split: JsonObject = type === "split" ? { branches: [{ percent: 50, next: "end" }, { percent: 50, next: "end" }] } : {};
        const problems = validateDefinition({
          entry: { type: "manual" },
          start: "n",
          nodes: { n: { ...node, ...outputs, ...split }, end: { type: "exit" } },
        });
        return [type, problems.map((p) => p.path)] as const;
      }).filter(([, paths]) => paths.length > 0),
    );

    expect(unconfigured).toEqual({
      wait_for_event: ["nodes.n.event_type"],
      send_email: ["nodes.n.template"],
      send_sms: ["nodes.n.template"],
      send_push: ["nodes.n.template"],
      send_preferred: ["nodes.n.templates.email", "nodes.n.templates.sms"],
      update_profile: ["nodes.n.fields"],
      webhook: ["nodes.n.url"],
      list_add: ["nodes.n.list"],
      list_remove: ["nodes.n.list"],
      exit: ["nodes.end"],
    });
  });

  it("starts each entry with what the admin must still choose", () => {
    const paths = Object.fromEntries(
      ENTRY_TYPES.map((type) => [
        type,
        validateDefinition({ entry: { type, ...ENTRY_SPECS[type].defaults() }, start: "e", nodes: { e: { type: "exit" } } }).map(
          (p) => p.path,
        ),
      ]),
    );
    expect(paths).toEqual({
      event: ["entry.event_type"],
      segment_entered: ["entry.segment_id"],
      date: [],
      recurring: ["entry.segment_id"],
      trigger: ["entry.key"],
      manual: [],
      broadcast: ["entry.segment_id", "entry.send_at"],
    });
  });
});
