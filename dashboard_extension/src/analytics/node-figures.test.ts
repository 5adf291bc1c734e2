import { describe, expect, it } from "vitest";

import journeyFixture from "./fixtures/journey.json";
import { nodeFigures } from "./node-figures";
import type { JourneyAnalytics } from "./types";

const journey = journeyFixture as JourneyAnalytics;
const types: Record<string, string> = { send_1: "send_email", send_2: "send_sms", split_1: "split", wait_1: "wait" };
const typeOf = (id: string) => types[id];

describe("nodeFigures", () => {
  it("gives send nodes sent, open and click rates and splits their branches' rates", () => {
    const figures = nodeFigures(journey, typeOf);

    expect([...figures.keys()]).toEqual(["send_1", "send_2", "split_1"]);
    expect(figures.get("send_1")).toEqual({
      kind: "send",
      sent: 60,
      openRate: 0.5,
      clickRate: 0.2,
      subjects: {
        metric: "click",
        verdict: "winner",
        variants: [
          { branch: 0, label: "You left something behind", rate: 0.1, winner: false },
          { branch: 1, label: "Still thinking it over?", rate: 11 / 30, winner: true },
        ],
      },
    });
    expect(figures.get("send_2")).toEqual({ kind: "send", sent: 60, openRate: 25 / 60, clickRate: 7 / 60, subjects: null });
    expect(figures.get("split_1")).toEqual({
      kind: "split",
      metric: "conversion",
      verdict: "no_winner_yet",
      branches: [
        { branch: 0, label: "Branch A", rate: 2 / 30, winner: false },
        { branch: 1, label: "Discount", rate: 4 / 30, winner: false },
      ],
    });
  });

  it("marks the winning branch by the deciding metric", () => {
    const split = journey.abTests[0]!;
    const won = { ...journey, abTests: [{ ...split, metric: "click", winner: 1, verdict: "winner" }] };

    expect(nodeFigures(won, typeOf).get("split_1")).toEqual({
      kind: "split",
      metric: "click",
      verdict: "winner",
      branches: [
        { branch: 0, label: "Branch A", rate: 0.2, winner: false },
        { branch: 1, label: "Discount", rate: 0.3, winner: true },
      ],
    });
  });

  it("shows nothing for nodes the canvas does not have as sends or splits, and no rate over nothing sent", () => {
    const figures = nodeFigures(journey, (id) => (id === "send_1" ? "wait" : typeOf(id)));

    expect(figures.has("send_1")).toBe(false);
    expect(nodeFigures({ nodes: [{ node: "send_2", funnel: { ...journey.funnel, sent: 0, opened: 0, clicked: 0 } }], abTests: [] }, typeOf).get("send_2")).toEqual({
      kind: "send",
      sent: 0,
      openRate: null,
      clickRate: null,
      subjects: null,
    });
  });
});
