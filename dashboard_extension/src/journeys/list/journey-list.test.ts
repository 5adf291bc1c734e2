import { describe, expect, it } from "vitest";

import {
  activeNodes,
  availableActions,
  changedCounts,
  checkJourneyName,
  statusMessageId,
  statusTone,
  targetStatus,
  totalsOf,
} from "./journey-list";

describe("status labels", () => {
  it("names each status and an unknown one", () => {
    expect(statusMessageId("draft")).toBe("journeys.status.draft");
    expect(statusMessageId("active")).toBe("journeys.status.active");
    expect(statusMessageId("paused")).toBe("journeys.status.paused");
    expect(statusMessageId("archived")).toBe("journeys.status.archived");
    expect(statusMessageId("exploded")).toBe("journeys.status.unknown");
  });

  it("gives each status a tone", () => {
    expect(["draft", "active", "paused", "archived", "x"].map(statusTone)).toEqual([
      "neutral",
      "success",
      "warning",
      "muted",
      "neutral",
    ]);
  });
});

describe("availableActions", () => {
  it("offers the changes the backend allows", () => {
    expect(availableActions("active")).toEqual(["pause", "archive"]);
    expect(availableActions("paused")).toEqual(["resume", "archive"]);
    expect(availableActions("draft")).toEqual(["archive"]);
    expect(availableActions("archived")).toEqual([]);
    expect(availableActions("unknown")).toEqual([]);
  });

  it("maps each action to setJourneyStatus's status", () => {
    expect(targetStatus("pause")).toBe("paused");
    expect(targetStatus("resume")).toBe("active");
    expect(targetStatus("archive")).toBe("archived");
  });
});

describe("node totals", () => {
  const counts = [
    { node: "email", waiting: 2, passed: 10, exited: 0, converted: 0 },
    { node: "wait", waiting: 0, passed: 0, exited: 0, converted: 0 },
    { node: "exit", waiting: 0, passed: 0, exited: 7, converted: 3 },
  ];

  it("sums every node", () => {
    expect(totalsOf(counts)).toEqual({ waiting: 2, passed: 10, exited: 7, converted: 3 });
    expect(totalsOf([])).toEqual({ waiting: 0, passed: 0, exited: 0, converted: 0 });
  });

  it("lists the nodes that saw a run", () => {
    expect(activeNodes(counts).map((count) => count.node)).toEqual(["email", "exit"]);
  });
});

describe("checkJourneyName", () => {
  it("trims the name", () => {
    expect(checkJourneyName("  Welcome  ")).toEqual({ ok: true, name: "Welcome" });
  });

  it("refuses an empty or too long name", () => {
    expect(checkJourneyName("   ")).toEqual({ ok: false, messageId: "journeys.create.nameRequired" });
    expect(checkJourneyName("x".repeat(121))).toEqual({ ok: false, messageId: "journeys.create.nameTooLong" });
    expect(checkJourneyName("x".repeat(120))).toEqual({ ok: true, name: "x".repeat(120) });
  });
});

describe("changedCounts", () => {
  const row = (id: string, waiting: number, passed = 0, exited = 0, converted = 0) => ({
    id,
    name: `Journey ${id}`,
    totals: { waiting, passed, exited, converted },
  });

  it("names the journeys whose totals moved", () => {
    expect(changedCounts([row("1", 1), row("2", 2, 3)], [row("1", 1), row("2", 1, 4)])).toEqual(["Journey 2"]);
    expect(changedCounts([row("1", 0, 0, 1)], [row("1", 0, 0, 2)])).toEqual(["Journey 1"]);
    expect(changedCounts([row("1", 0, 0, 2, 0)], [row("1", 0, 0, 2, 1)])).toEqual(["Journey 1"]);
  });

  it("says nothing on the first load, for a new journey, or when nothing moved", () => {
    expect(changedCounts([], [row("1", 5)])).toEqual([]);
    expect(changedCounts([row("1", 5)], [row("1", 5), row("2", 1)])).toEqual([]);
  });
});
