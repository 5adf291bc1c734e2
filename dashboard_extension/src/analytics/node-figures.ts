/**
 * The figures the journey canvas shows on its nodes, from one `journeyAnalytics` answer: on a
 * send node sent, open rate and click rate; on a split node each branch's rate by the test's
 * deciding metric, with the winner marked (none while the test has no winner); a send node with a
 * subject-line test shows its variants the same way. Nodes the answer does not mention show
 * nothing, not zeros.
 */
import { rate } from "./figures";
import type { AbVariant } from "./types";
import { deciding } from "./verdicts";

/** What the canvas's query selects of `journeyAnalytics`. */
export type NodeFiguresInput = {
  nodes: { node: string; funnel: { sent: number; opened: number; clicked: number } }[];
  abTests: {
    node: string;
    kind: string;
    metric: string;
    winner: number | null;
    verdict: string;
    variants: Pick<AbVariant, "branch" | "label" | "conversionRate" | "clickRate">[];
  }[];
};

/** A send node's figures; `subjects`: its subject-line test's variants (null without one). */
export type SendFigures = {
  kind: "send";
  sent: number;
  openRate: number | null;
  clickRate: number | null;
  subjects: { metric: string; verdict: string; variants: BranchFigure[] } | null;
};
export type BranchFigure = { branch: number; label: string; rate: number; winner: boolean };
export type SplitFigures = { kind: "split"; metric: string; verdict: string; branches: BranchFigure[] };
export type NodeFigures = SendFigures | SplitFigures;

const SEND_TYPES = new Set(["send_email", "send_sms", "send_push", "send_preferred"]);

/** Figures per node id; `typeOf` gives a node's type in the definition the canvas shows. */
export const nodeFigures = (
  analytics: NodeFiguresInput,
  typeOf: (nodeId: string) => string | undefined,
): Map<string, NodeFigures> => {
  const figures = new Map<string, NodeFigures>();
  const branches = (test: NodeFiguresInput["abTests"][number]): BranchFigure[] =>
    [...test.variants]
      .sort((a, b) => a.branch - b.branch)
      .map((variant) => ({ branch: variant.branch, label: variant.label, rate: deciding(test, variant), winner: test.winner === variant.branch }));
  const subjectTests = new Map(analytics.abTests.filter((test) => test.kind === "subject").map((test) => [test.node, test]));
  for (const { node, funnel } of analytics.nodes) {
    if (!SEND_TYPES.has(typeOf(node) ?? "")) continue;
    const subject = subjectTests.get(node);
    figures.set(node, {
      kind: "send",
      sent: funnel.sent,
      openRate: rate(funnel.opened, funnel.sent),
      clickRate: rate(funnel.clicked, funnel.sent),
      subjects: subject ? { metric: subject.metric, verdict: subject.verdict, variants: branches(subject) } : null,
    });
  }
  for (const test of analytics.abTests) {
    if (test.kind !== "split" || typeOf(test.node) !== "split") continue;
    figures.set(test.node, { kind: "split", metric: test.metric, verdict: test.verdict, branches: branches(test) });
  }
  return figures;
};
