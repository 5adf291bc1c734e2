import { Box, Button, Input, Select, Text } from "@saleor/macaw-ui";
import { memo } from "react";
import { useIntl } from "react-intl";

import { ENTRY_SPECS, NODE_SPECS, REENTRY_MODES } from "./catalogue";
import { CommerceFields } from "./commerce-fields";
import { DateEntryFields, RecurringFields, ThresholdFields } from "./date-fields";
import { ProgrammeFields } from "./programme-fields";
import type { CanvasNode, EditorDoc } from "./convert";
import { ENTRY_ID, stepType } from "./convert";
import { type JourneyFacts, splitNodeIds } from "./broadcast-test";
import { fieldError, innerErrors } from "./field-errors";
import { Field } from "./fields";
import { PreferredChannelsFields } from "./preferred-fields";
import type { Action, Selection } from "./reducer";
import type { Json } from "./types";
import { isEntryType, isNodeType, isObject } from "./types";

export type ShownProblem = { nodeId: string | null; field: string; text: string };

export type SidePanelProps = {
  doc: EditorDoc;
  selection: Selection;
  dispatch: (action: Action) => void;
  problems: ShownProblem[];
  readOnly: boolean;
  /** Extra sections for the selected node (the trigger secret of a trigger entry). */
  entryExtras?: React.ReactNode;
};

const now = () => performance.now();

type NodeFormProps = {
  node: CanvasNode;
  journey: JourneyFacts;
  dispatch: (a: Action) => void;
  problems: ShownProblem[];
  readOnly: boolean;
  extras?: React.ReactNode;
};

const NodeForm = ({ node, journey, dispatch, problems, readOnly, extras }: NodeFormProps) => {
  const intl = useIntl();
  const type = stepType(node);
  const spec = node.id === ENTRY_ID ? (isEntryType(type) ? ENTRY_SPECS[type] : null) : isNodeType(type) ? NODE_SPECS[type] : null;
  const config = node.data.config;
  const set = (name: string, value: Json | undefined) => {
    const { [name]: _old, ...rest } = config;
    dispatch({ type: "configure", id: node.id, config: value === undefined ? rest : { ...rest, [name]: value }, at: now(), field: name });
  };
  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid={`node-form-${type}`}>
      <Box>
        <Text as="h2" size={6} fontWeight="bold">
          {spec ? intl.formatMessage({ id: spec.labelId }) : type}
        </Text>
        <Text size={2} color="default2" display="block">
          {spec ? intl.formatMessage({ id: spec.descriptionId }) : ""}
        </Text>
        {node.id !== ENTRY_ID && (
          <Text size={2} color="default2" display="block">
            {intl.formatMessage({ id: "editor.panel.nodeId" }, { id: node.id })}
          </Text>
        )}
      </Box>
      {problems.length > 0 && (
        <Box as="ul" display="flex" flexDirection="column" gap={1} margin={0} paddingLeft={4} data-testid="node-problems">
          {problems.map((p, i) => (
            <Box as="li" key={i}>
              <Text size={2} color="critical1">
                {p.field ? `${p.field}: ${p.text}` : p.text}
              </Text>
            </Box>
          ))}
        </Box>
      )}
      <Box as="fieldset" disabled={readOnly} borderWidth={0} padding={0} margin={0} display="flex" flexDirection="column" gap={4}>
        {(spec?.fields ?? []).map((field) => (
          <Field
            key={field.name}
            spec={field}
            value={config[field.name]}
            config={config}
            journey={journey}
            onChange={(value) => set(field.name, value)}
            error={fieldError(problems, field.name)}
            errors={innerErrors(problems, field.name)}
          />
        ))}
        {node.id === ENTRY_ID && (
          <CommerceFields config={config} onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "where" })} />
        )}
        {node.id === ENTRY_ID && (
          <ProgrammeFields config={config} onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "where" })} />
        )}
        {node.id === ENTRY_ID && (
          <ThresholdFields config={config} onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "where" })} />
        )}
        {node.id === ENTRY_ID && type === "date" && (
          <DateEntryFields config={config} onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "field" })} />
        )}
        {node.id === ENTRY_ID && type === "recurring" && (
          <RecurringFields config={config} onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "start" })} />
        )}
        {type === "send_preferred" && (
          <PreferredChannelsFields
            config={config}
            problems={problems}
            onChange={(next) => dispatch({ type: "configure", id: node.id, config: next, at: now(), field: "templates" })}
          />
        )}
        {spec && spec.fields.length === 0 && (
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.panel.nothingToSet" })}
          </Text>
        )}
      </Box>
      {extras}
      {!readOnly && (
        <Box>
          <Button variant="error" size="small" onClick={() => dispatch({ type: "deleteNode", id: node.id })} data-testid="delete-node">
            {intl.formatMessage({ id: "editor.panel.delete" })}
          </Button>
        </Box>
      )}
    </Box>
  );
};

const SettingsForm = ({ doc, dispatch, problems, readOnly }: { doc: EditorDoc; dispatch: (a: Action) => void; problems: ShownProblem[]; readOnly: boolean }) => {
  const intl = useIntl();
  const extras = doc.extras;
  const reentry = isObject(extras.reentry) ? extras.reentry : {};
  const goal = isObject(extras.goal) ? extras.goal : null;
  const set = (name: string, value: Json | undefined) => {
    const { [name]: _old, ...rest } = extras;
    dispatch({ type: "setExtras", extras: value === undefined ? rest : { ...rest, [name]: value }, at: now(), field: name });
  };
  const mode = typeof reentry.mode === "string" ? reentry.mode : "once";
  return (
    <Box as="fieldset" disabled={readOnly} borderWidth={0} padding={0} margin={0} display="flex" flexDirection="column" gap={4} data-testid="journey-settings">
      <Text as="h2" size={6} fontWeight="bold">
        {intl.formatMessage({ id: "editor.settings.title" })}
      </Text>
      <Select
        label={intl.formatMessage({ id: "editor.settings.reentry" })}
        options={REENTRY_MODES.map((m) => ({ value: m, label: intl.formatMessage({ id: `editor.reentry.${m}` }) }))}
        value={mode}
        onChange={(m: string) => set("reentry", m === "after_days" ? { mode: m, days: typeof reentry.days === "number" ? reentry.days : 30 } : { mode: m })}
      />
      {mode === "after_days" && (
        <Input
          label={intl.formatMessage({ id: "editor.settings.reentryDays" })}
          type="number"
          min={1}
          value={typeof reentry.days === "number" ? String(reentry.days) : ""}
          onChange={(e) => set("reentry", { mode, days: Number(e.target.value) })}
          error={Boolean(fieldError(problems, "reentry"))}
          helperText={fieldError(problems, "reentry")}
        />
      )}
      <Input
        label={intl.formatMessage({ id: "editor.settings.goal" })}
        value={goal && typeof goal.event_type === "string" ? goal.event_type : ""}
        onChange={(e) => set("goal", e.target.value ? { ...(goal ?? {}), event_type: e.target.value } : undefined)}
        helperText={fieldError(problems, "goal") ?? intl.formatMessage({ id: "editor.settings.goalHint" })}
        error={Boolean(fieldError(problems, "goal"))}
      />
      <Input
        label={intl.formatMessage({ id: "editor.settings.holdout" })}
        type="number"
        min={0}
        max={50}
        value={typeof extras.holdout_percent === "number" ? String(extras.holdout_percent) : ""}
        onChange={(e) => set("holdout_percent", e.target.value === "" ? undefined : Number(e.target.value))}
        error={Boolean(fieldError(problems, "holdout_percent"))}
        helperText={fieldError(problems, "holdout_percent")}
      />
    </Box>
  );
};

/** The split nodes and the goal a broadcast's test share may use. */
const journeyFacts = (doc: EditorDoc): JourneyFacts => ({
  splits: splitNodeIds(Object.fromEntries(doc.nodes.filter((n) => n.id !== ENTRY_ID).map((n) => [n.id, n.data.config]))),
  goal: isObject(doc.extras.goal),
});

/** The form of the selected node (or edge), or the journey's own settings when none is. */
const SidePanelView = ({ doc, selection, dispatch, problems, readOnly, entryExtras }: SidePanelProps) => {
  const intl = useIntl();
  if (selection?.kind === "node") {
    const node = doc.nodes.find((n) => n.id === selection.id);
    if (node) {
      return (
        <NodeForm
          node={node}
          journey={journeyFacts(doc)}
          dispatch={dispatch}
          problems={problems.filter((p) => p.nodeId === node.id)}
          readOnly={readOnly}
          extras={node.id === ENTRY_ID ? entryExtras : undefined}
        />
      );
    }
  }
  if (selection?.kind === "edge") {
    const edge = doc.edges.find((e) => e.id === selection.id);
    if (edge) {
      return (
        <Box display="flex" flexDirection="column" gap={3} data-testid="edge-panel">
          <Text as="h2" size={6} fontWeight="bold">
            {intl.formatMessage({ id: "editor.edge.title" })}
          </Text>
          <Text size={3}>{intl.formatMessage({ id: "editor.edge.label" }, { source: edge.source, output: edge.sourceHandle, target: edge.target })}</Text>
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.edge.insertHint" })}
          </Text>
          {!readOnly && (
            <Box>
              <Button variant="error" size="small" onClick={() => dispatch({ type: "deleteEdge", edgeId: edge.id })} data-testid="delete-edge">
                {intl.formatMessage({ id: "editor.edge.delete" })}
              </Button>
            </Box>
          )}
        </Box>
      );
    }
  }
  return <SettingsForm doc={doc} dispatch={dispatch} problems={problems.filter((p) => p.nodeId === null)} readOnly={readOnly} />;
};

const selectedData = (props: SidePanelProps) =>
  props.selection?.kind === "node" ? props.doc.nodes.find((n) => n.id === props.selection?.id)?.data : undefined;

/** Not redrawn while a node is dragged: only positions change then, and the panel shows none. */
export const SidePanel = memo(
  SidePanelView,
  (a, b) =>
    a.selection === b.selection &&
    a.problems === b.problems &&
    a.readOnly === b.readOnly &&
    a.entryExtras === b.entryExtras &&
    a.dispatch === b.dispatch &&
    a.doc.extras === b.doc.extras &&
    a.doc.edges === b.doc.edges &&
    a.doc.nodes.length === b.doc.nodes.length &&
    selectedData(a) === selectedData(b),
);
