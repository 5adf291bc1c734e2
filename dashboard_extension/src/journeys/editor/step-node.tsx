import { Box, Text } from "@saleor/macaw-ui";
import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { useIntl } from "react-intl";

import type { BranchFigure, NodeFigures } from "../../analytics/node-figures";
import { formatRate } from "../../analytics/figures";
import { formatNumber } from "../../lib/format";
import { useAppLocale } from "../../providers/locale-provider";
import { ENTRY_SPECS, NODE_SPECS, type Output, outputsOf } from "./catalogue";
import { COUNT_KINDS, type Counts } from "./counts";
import { NODE_HEIGHT, NODE_WIDTH } from "./convert";
import { summaryOf } from "./summary";
import type { JsonObject } from "./types";
import { isEntryType, isNodeType } from "./types";

export type StepNodeData = {
  kind: "entry" | "node";
  config: JsonObject;
  counts: Counts | null;
  /** the last 30 days' analytics of the node (send: sent, open and click rates; split: each branch's A/B result) */
  figures: NodeFigures | null;
  problems: string[];
  traced: boolean;
  readOnly: boolean;
};
export type StepFlowNode = Node<StepNodeData, "entry" | "step">;

const specOf = (kind: "entry" | "node", type: unknown) =>
  kind === "entry" ? (isEntryType(type) ? ENTRY_SPECS[type] : null) : isNodeType(type) ? NODE_SPECS[type] : null;

export const outputsFor = (kind: "entry" | "node", config: JsonObject): Output[] =>
  kind === "entry" ? ENTRY_SPECS.event.outputs.slice() : isNodeType(config.type) ? outputsOf(config.type, config) : [];

/** A node's analytics of the last 30 days: a send's "sent · opened · clicked", a split's branches. */
const Figures = ({ id, figures }: { id: string; figures: NodeFigures }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  if (figures.kind === "send") {
    const values = {
      sent: formatNumber(figures.sent, locale),
      opened: formatRate(figures.openRate, locale),
      clicked: formatRate(figures.clickRate, locale),
    };
    return (
      <Box display="flex" flexDirection="column" data-testid={`journey-node-figures-${id}`}>
        <Text size={1} color="default1" title={intl.formatMessage({ id: "analytics.node.sendLabel" }, values)}>
          {intl.formatMessage({ id: "analytics.node.send" }, values)}
        </Text>
        {figures.subjects && <Variants metric={figures.subjects.metric} variants={figures.subjects.variants} short />}
      </Box>
    );
  }
  return (
    <Box data-testid={`journey-node-figures-${id}`}>
      <Variants metric={figures.metric} variants={figures.branches} />
    </Box>
  );
};

/** An A/B test's variants on a node: each one's rate by the deciding metric, the winner marked.
 * `short`: subject lines are named A, B, ... (the subject is in the tooltip). */
const Variants = ({ metric: deciding, variants, short = false }: { metric: string; variants: BranchFigure[]; short?: boolean }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const metric = intl.formatMessage({ id: deciding === "click" ? "analytics.node.metric.click" : "analytics.node.metric.conversion" });
  return (
    <Box display="flex" flexWrap="wrap" columnGap={2} title={metric}>
      {variants.map((branch) => (
        <Text
          key={branch.branch}
          size={1}
          color={branch.winner ? "success1" : "default1"}
          fontWeight={branch.winner ? "bold" : "regular"}
          data-winner={branch.winner ? "true" : "false"}
          title={short ? branch.label : undefined}
        >
          {intl.formatMessage(
            { id: "analytics.node.branch" },
            { label: short ? intl.formatMessage({ id: "analytics.node.subject" }, { letter: String.fromCharCode(65 + branch.branch) }) : branch.label, rate: formatRate(branch.rate, locale) },
          )}
          {branch.winner && ` ★ ${intl.formatMessage({ id: "analytics.node.winner" })}`}
        </Text>
      ))}
      {!variants.some((branch) => branch.winner) && (
        <Text size={1} color="default2">
          {intl.formatMessage({ id: "analytics.node.noWinner" })}
        </Text>
      )}
    </Box>
  );
};

/** A journey step on the canvas: its type, what it does, its counts, its problems, its outputs. */
export const StepNode = memo(({ id, data, selected }: NodeProps<StepFlowNode>) => {
  const intl = useIntl();
  const spec = specOf(data.kind, data.config.type);
  const outputs = outputsFor(data.kind, data.config);
  const summary = summaryOf(data.config);
  const hasProblems = data.problems.length > 0;

  return (
    <Box
      data-testid={`journey-node-${id}`}
      data-node-type={String(data.config.type ?? "")}
      data-invalid={hasProblems ? "true" : "false"}
      data-traced={data.traced ? "true" : "false"}
      __width={`${NODE_WIDTH}px`}
      __minHeight={`${NODE_HEIGHT}px`}
      backgroundColor={data.kind === "entry" ? "default2" : "default1"}
      borderStyle="solid"
      __borderWidth={selected || data.traced ? "2px" : "1px"}
      borderColor={hasProblems ? "critical1" : data.traced ? "success1" : selected ? "accent1" : "default1"}
      borderRadius={4}
      padding={3}
      display="flex"
      flexDirection="column"
      gap={1}
      boxShadow={selected ? "defaultFocused" : undefined}
    >
      {data.kind === "node" && <Handle type="target" position={Position.Top} isConnectable={!data.readOnly} />}
      <Box display="flex" justifyContent="space-between" gap={2}>
        <Text size={3} fontWeight="bold">
          {spec ? intl.formatMessage({ id: spec.labelId }) : String(data.config.type ?? "?")}
        </Text>
        <Text size={1} color="default2">
          {data.kind === "entry" ? intl.formatMessage({ id: "editor.entry" }) : id}
        </Text>
      </Box>
      {summary && (
        <Text size={2} color="default2" ellipsis>
          {"text" in summary ? summary.text : intl.formatMessage({ id: summary.id }, summary.values)}
        </Text>
      )}
      {data.counts && (
        <Box display="flex" gap={2} data-testid={`journey-node-counts-${id}`}>
          {COUNT_KINDS.map((kind) => (
            <Text key={kind} size={1} color="default2" title={intl.formatMessage({ id: `editor.count.${kind}` })}>
              {intl.formatMessage({ id: `editor.count.${kind}.short` }, { count: data.counts?.[kind] ?? 0 })}
            </Text>
          ))}
        </Box>
      )}
      {data.figures && <Figures id={id} figures={data.figures} />}
      {hasProblems && (
        <Text size={1} color="critical1" data-testid={`journey-node-problem-${id}`}>
          {data.problems[0]}
          {data.problems.length > 1 ? ` (+${data.problems.length - 1})` : ""}
        </Text>
      )}
      {outputs.length > 0 && (
        <Box display="flex" justifyContent="space-around" marginTop={1}>
          {outputs.map((output) => (
            <Text key={output.handle} size={1} color="default2">
              {intl.formatMessage({ id: output.labelId }, { percent: output.percent ?? 0 })}
            </Text>
          ))}
        </Box>
      )}
      {outputs.map((output, index) => (
        <Handle
          key={output.handle}
          id={output.handle}
          type="source"
          position={Position.Bottom}
          isConnectable={!data.readOnly}
          aria-label={intl.formatMessage({ id: output.labelId }, { percent: output.percent ?? 0 })}
          data-testid={`journey-handle-${id}-${output.handle}`}
          style={{ left: `${((index + 1) / (outputs.length + 1)) * 100}%` }}
        />
      ))}
    </Box>
  );
});
StepNode.displayName = "StepNode";

export const nodeTypes = { entry: StepNode, step: StepNode };
