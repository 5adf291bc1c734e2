import { useMemo } from "react";
import { useIntl } from "react-intl";

import { compactRows, edgePath, NODE_HEIGHT, NODE_WIDTH, previewGraph } from "./preview";

const nodeLabelId = (type: string) => `presets.node.${type}`;

/** A static picture of a preset's graph; one sentence for assistive technology. */
export const PresetPreview = ({ name, definition, layout }: { name: string; definition: unknown; layout: unknown }) => {
  const intl = useIntl();
  const preview = useMemo(() => compactRows(previewGraph(definition, layout)), [definition, layout]);
  const positions = new Map(preview.nodes.map((node) => [node.id, node]));
  const label = (type: string) =>
    intl.messages[nodeLabelId(type)] ? intl.formatMessage({ id: nodeLabelId(type) }) : intl.formatMessage({ id: "presets.node.unknown" });
  const { x, y, width, height } = preview.viewBox;

  return (
    <svg
      role="img"
      aria-label={intl.formatMessage(
        { id: "presets.preview" },
        { name, steps: intl.formatList(preview.nodes.map((node) => label(node.type))) },
      )}
      viewBox={`${x} ${y} ${width} ${height}`}
      width="100%"
      height={Math.min(360, Math.round(height * 0.7))}
      preserveAspectRatio="xMidYMid meet"
      data-testid="preset-preview"
    >
      <defs>
        <marker id="preset-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      <g fill="none" stroke="currentColor" strokeOpacity={0.5} strokeWidth={2}>
        {preview.edges.map((edge) => {
          const from = positions.get(edge.from);
          const to = positions.get(edge.to);

          return from && to ? (
            <path key={`${edge.from}-${edge.to}`} d={edgePath(from, to)} markerEnd="url(#preset-arrow)" />
          ) : null;
        })}
      </g>
      {preview.nodes.map((node) => (
        <g key={node.id} transform={`translate(${node.x} ${node.y})`}>
          <rect
            width={NODE_WIDTH}
            height={NODE_HEIGHT}
            rx={8}
            fill="currentColor"
            fillOpacity={node.type === "entry" ? 0.16 : 0.06}
            stroke="currentColor"
            strokeOpacity={0.4}
          />
          <text x={NODE_WIDTH / 2} y={NODE_HEIGHT / 2} dominantBaseline="middle" textAnchor="middle" fontSize={14} fill="currentColor">
            {label(node.type)}
          </text>
        </g>
      ))}
    </svg>
  );
};
