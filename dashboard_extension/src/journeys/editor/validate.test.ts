import { describe, expect, it } from "vitest";

import { ENTRY_ID } from "./convert";
import small from "./fixtures/small.json";
import type { Definition, RawStep } from "./types";
import { checkErrorTarget, groupByNode, problemTarget, validateDefinition } from "./validate";

const valid = (small as unknown as { definition: Definition }).definition;

const withNodes = (nodes: { [id: string]: RawStep }, start = "a"): Definition => ({
  entry: { type: "manual" },
  start,
  nodes,
});

describe("validateDefinition", () => {
  it("finds nothing wrong in a sound definition with every node type", () => {
    expect(validateDefinition(valid)).toEqual([]);
  });

  it("names an unconfigured send step and an unconnected output at the server's paths", () => {
    const problems = validateDefinition(withNodes({ a: { type: "send_email", template: "" } }));

    expect(problems).toEqual([
      { path: "nodes.a.template", code: "required" },
      { path: "nodes.a.next", code: "unconnected", values: { output: "next" } },
    ]);
  });

  it("names outputs leading nowhere, unreachable nodes and a loop without a wait", () => {
    expect(validateDefinition(withNodes({ a: { type: "exit" }, b: { type: "exit" } }))).toEqual([
      { path: "nodes.b", code: "unreachable" },
    ]);
    expect(validateDefinition(withNodes({ a: { type: "list_add", list: "x", next: "gone" } }))).toEqual([
      { path: "nodes.a", code: "missing_node", values: { target: "gone" } },
    ]);
    const loop = withNodes({
      a: { type: "list_add", list: "x", next: "b" },
      b: { type: "list_remove", list: "x", next: "a" },
    });
    expect(validateDefinition(loop)).toEqual([{ path: "nodes.a", code: "loop_without_wait" }]);
    const waited = withNodes({
      a: { type: "list_add", list: "x", next: "b" },
      b: { type: "wait", duration: { days: 1 }, next: "a" },
    });
    expect(validateDefinition(waited)).toEqual([]);
  });

  it("mirrors the shape rules of the entry, the settings and each node type", () => {
    const problems = validateDefinition({
      entry: { type: "broadcast", segment_id: 0, send_at: "2026-12-01T09:00:00" },
      reentry: { mode: "after_days" },
      holdout_percent: 60,
      start: "w",
      nodes: {
        w: { type: "wait", duration: { days: 0 }, next: "s" },
        s: { type: "split", branches: [{ percent: 60, next: "v" }, { percent: 30, next: "v" }] },
        v: { type: "give_voucher", discount_type: "percentage", values: { "*": 120 }, currency: "EUR", next: "p" },
        p: { type: "update_profile", fields: { country: "DE", nickname: "x" }, next: "h" },
        h: { type: "webhook", url: "ftp://x", next: "u" },
        u: { type: "wait_until", hour: 24, weekdays: [], next: "e" },
        e: { type: "exit" },
      },
    });

    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ["entry.segment_id", "required"],
      ["entry.send_at", "aware_moment"],
      ["reentry.days", "reentry_days"],
      ["holdout_percent", "range"],
      ["nodes.w.duration", "duration_zero"],
      ["nodes.s.branches", "hundred"],
      ["nodes.v.values.*", "percent_max"],
      ["nodes.v.currency", "currency_fixed_only"],
      ["nodes.p.fields.nickname", "profile_field"],
      ["nodes.h.url", "url"],
      ["nodes.u.hour", "range"],
      ["nodes.u.weekdays", "weekdays"],
    ]);
  });

  it("asks for an entry, a start and at least one node", () => {
    expect(validateDefinition({}).map((p) => p.code)).toEqual(["no_entry", "no_nodes"]);
    expect(validateDefinition({ entry: { type: "manual" }, nodes: { a: { type: "exit" } } })).toEqual([
      { path: "start", code: "no_start" },
    ]);
  });
});

describe("problem paths to canvas nodes", () => {
  const ids = new Set(["first", "ab"]);

  it("maps the server's and the client's paths to the node and its field", () => {
    expect(problemTarget("nodes.first.template", ids)).toEqual({ nodeId: "first", field: "template" });
    expect(problemTarget("nodes.ab.branches.1.next", ids)).toEqual({ nodeId: "ab", field: "branches.1.next" });
    expect(problemTarget("nodes.ab", ids)).toEqual({ nodeId: "ab", field: "" });
    expect(problemTarget("entry.event_type", ids)).toEqual({ nodeId: ENTRY_ID, field: "event_type" });
    expect(problemTarget("start", ids)).toEqual({ nodeId: ENTRY_ID, field: "start" });
    expect(problemTarget("reentry.days", ids)).toEqual({ nodeId: null, field: "reentry.days" });
    // pydantic leaves out a union tag, so a node named like a type may lose its id
    expect(problemTarget("nodes.duration", ids)).toEqual({ nodeId: null, field: "nodes.duration" });
  });

  it("maps journeyCheck's node ids, 'entry' being the entry unless a node has that id", () => {
    expect(checkErrorTarget("entry", "segment_id", ids)).toEqual({ nodeId: ENTRY_ID, field: "segment_id" });
    expect(checkErrorTarget("entry", "template", new Set(["entry"]))).toEqual({ nodeId: "entry", field: "template" });
    expect(checkErrorTarget("first", "template", ids)).toEqual({ nodeId: "first", field: "template" });
    expect(checkErrorTarget("gone", "", ids)).toEqual({ nodeId: null, field: "" });
  });

  it("groups problems by node", () => {
    const grouped = groupByNode(
      [
        { path: "nodes.first.template", code: "required" },
        { path: "nodes.first.next", code: "unconnected" },
        { path: "holdout_percent", code: "range" },
      ],
      ids,
    );
    expect([...grouped.keys()]).toEqual(["first", null]);
    expect(grouped.get("first")?.map((p) => p.code)).toEqual(["required", "unconnected"]);
  });
});
