import { describe, expect, it } from "vitest";

import { countChanges, countsByNode, shouldPoll } from "./counts";
import { definitionToDoc } from "./convert";
import { tracePath } from "./trace";

describe("live counts", () => {
  it("reads rows per node, a missing kind as zero", () => {
    expect(countsByNode([{ node: "a", waiting: 2, passed: 5, exited: 1 }]).get("a")).toEqual({
      waiting: 2,
      passed: 5,
      exited: 1,
      converted: 0,
    });
    expect(countsByNode([{ node: "b", exited: 3, converted: 2 }]).get("b")).toEqual({
      waiting: 0,
      passed: 0,
      exited: 3,
      converted: 2,
    });
  });

  it("announces what changed, and nothing on the first reading", () => {
    const first = countsByNode([{ node: "a", waiting: 1, passed: 0, exited: 0 }]);
    const second = countsByNode([
      { node: "a", waiting: 0, passed: 1, exited: 0 },
      { node: "b", waiting: 1, passed: 0, exited: 0 },
      { node: "c", exited: 1, converted: 1 },
    ]);

    expect(countChanges(null, first)).toEqual([]);
    expect(countChanges(first, second)).toEqual([
      { node: "a", kind: "waiting", from: 1, to: 0 },
      { node: "a", kind: "passed", from: 0, to: 1 },
      { node: "b", kind: "waiting", from: 0, to: 1 },
      { node: "c", kind: "exited", from: 0, to: 1 },
      { node: "c", kind: "converted", from: 0, to: 1 },
    ]);
    expect(countChanges(second, second)).toEqual([]);
  });

  it("polls only while visible and the journey runs", () => {
    expect(shouldPoll("visible", "active")).toBe(true);
    expect(shouldPoll("hidden", "active")).toBe(false);
    expect(shouldPoll("visible", "draft")).toBe(false);
  });
});

describe("test run path", () => {
  it("lights the nodes reached and the edges between them, from the entry", () => {
    const { doc } = definitionToDoc({
      entry: { type: "manual" },
      start: "c",
      nodes: {
        c: { type: "condition", condition: { type: "order" }, yes: "y", no: "n" },
        y: { type: "exit" },
        n: { type: "exit" },
      },
    });
    const path = tracePath(
      [
        { node: "c", kind: "passed", at: "t1" },
        { node: "n", kind: "exited", at: "t1" },
      ],
      doc.edges,
    );
    expect(path.order).toEqual(["c", "n"]);
    expect([...path.nodes]).toEqual(["c", "n"]);
    expect([...path.edges]).toEqual(["@entry:start", "c:no"]);
    expect(tracePath([], doc.edges).edges.size).toBe(0);
  });
});
