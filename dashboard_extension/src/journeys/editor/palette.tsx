import { Box, Button, Text } from "@saleor/macaw-ui";
import { memo } from "react";
import { useIntl } from "react-intl";

import { DRAG_MIME } from "./canvas";
import { ENTRY_SPECS, type Family, NODE_SPECS, PALETTE_ORDER, type TypeSpec } from "./catalogue";
import { COMMERCE_TRIGGERS, commerceEntry } from "./commerce";
import { THRESHOLD_TRIGGER, thresholdEntry } from "./date-entries";
import { PROGRAMME_TRIGGERS, programmeEntry } from "./programme-triggers";
import { SIGNUP_TRIGGERS, signupEntry } from "./signup-triggers";
import type { EntryType, JsonObject, NodeType } from "./types";
import { ENTRY_TYPES, NODE_TYPES } from "./types";

export type PaletteItem = { kind: "entry"; type: EntryType; config?: JsonObject } | { kind: "node"; type: NodeType };

export type PaletteProps = {
  /** Add the step by keyboard or click: after the selected node, on the selected edge, or alone
   * (an entry replaces the journey's entry; a commerce trigger is an event entry set up). */
  onPick: (item: PaletteItem) => void;
  /** No more steps fit (a journey has at most 100): the node types are disabled, entries not. */
  full?: boolean;
};

const byFamily = (): Map<Family, { kind: "entry" | "node"; spec: TypeSpec }[]> => {
  const groups = new Map<Family, { kind: "entry" | "node"; spec: TypeSpec }[]>(PALETTE_ORDER.map((f) => [f, []]));
  for (const type of ENTRY_TYPES) groups.get("entry")?.push({ kind: "entry", spec: ENTRY_SPECS[type] });
  for (const type of NODE_TYPES) groups.get(NODE_SPECS[type].family)?.push({ kind: "node", spec: NODE_SPECS[type] });
  return groups;
};

const GROUPS = byFamily();

/**
 * Every entry and node type. Drag one onto the canvas, or press it (Enter, Space) to insert
 * it after the selected node or on the selected edge.
 */
export const Palette = memo(({ onPick, full = false }: PaletteProps) => {
  const intl = useIntl();

  return (
    <Box
      as="nav"
      aria-label={intl.formatMessage({ id: "editor.palette.label" })}
      display="flex"
      flexDirection="column"
      gap={3}
      data-testid="journey-palette"
    >
      <Text size={2} color="default2">
        {intl.formatMessage({ id: "editor.palette.hint" })}
      </Text>
      {full && (
        <Text size={2} color="critical1" role="status">
          {intl.formatMessage({ id: "editor.palette.full" })}
        </Text>
      )}
      {[...GROUPS].map(([family, items]) => (
        <Box key={family} display="flex" flexDirection="column" gap={1} role="group" aria-labelledby={`palette-${family}`}>
          <Text id={`palette-${family}`} size={2} fontWeight="bold">
            {intl.formatMessage({ id: `editor.family.${family}` })}
          </Text>
          {items.map(({ kind, spec }) => {
            const disabled = full && kind === "node";
            return (
              <Button
                key={`${kind}:${spec.type}`}
                variant="secondary"
                size="small"
                disabled={disabled}
                draggable={!disabled}
                data-testid={`palette-${kind}-${spec.type}`}
                title={intl.formatMessage({ id: spec.descriptionId })}
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_MIME, `${kind}:${spec.type}`);
                  event.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() =>
                  onPick(kind === "entry" ? { kind, type: spec.type as EntryType } : { kind, type: spec.type as NodeType })
                }
                justifyContent="flex-start"
              >
                {intl.formatMessage({ id: spec.labelId })}
              </Button>
            );
          })}
          {family === "entry" && (
            <>
              <Text size={1} color="default2" paddingTop={1}>
                {intl.formatMessage({ id: "editor.commerce.group" })}
              </Text>
              {COMMERCE_TRIGGERS.map((trigger) => (
                <Button
                  key={`commerce:${trigger.id}`}
                  variant="secondary"
                  size="small"
                  draggable
                  data-testid={`palette-commerce-${trigger.id}`}
                  title={intl.formatMessage({ id: trigger.descriptionId })}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(DRAG_MIME, `entry:event:${trigger.id}`);
                    event.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onPick({ kind: "entry", type: "event", config: commerceEntry(trigger) })}
                  justifyContent="flex-start"
                >
                  {intl.formatMessage({ id: trigger.labelId })}
                </Button>
              ))}
              <Text size={1} color="default2" paddingTop={1}>
                {intl.formatMessage({ id: "programmes.editor.group" })}
              </Text>
              {PROGRAMME_TRIGGERS.map((trigger) => (
                <Button
                  key={`programme:${trigger.id}`}
                  variant="secondary"
                  size="small"
                  draggable
                  data-testid={`palette-programme-${trigger.id}`}
                  title={intl.formatMessage({ id: trigger.descriptionId })}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(DRAG_MIME, `entry:event:${trigger.id}`);
                    event.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onPick({ kind: "entry", type: "event", config: programmeEntry(trigger) })}
                  justifyContent="flex-start"
                >
                  {intl.formatMessage({ id: trigger.labelId })}
                </Button>
              ))}
              <Text size={1} color="default2" paddingTop={1}>
                {intl.formatMessage({ id: "signups.editor.group" })}
              </Text>
              {SIGNUP_TRIGGERS.map((trigger) => (
                <Button
                  key={`signup:${trigger.id}`}
                  variant="secondary"
                  size="small"
                  draggable
                  data-testid={`palette-signup-${trigger.id}`}
                  title={intl.formatMessage({ id: trigger.descriptionId })}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(DRAG_MIME, `entry:event:${trigger.id}`);
                    event.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onPick({ kind: "entry", type: "event", config: signupEntry(trigger) })}
                  justifyContent="flex-start"
                >
                  {intl.formatMessage({ id: trigger.labelId })}
                </Button>
              ))}
              <Text size={1} color="default2" paddingTop={1}>
                {intl.formatMessage({ id: "dates.editor.group" })}
              </Text>
              <Button
                variant="secondary"
                size="small"
                draggable
                data-testid="palette-threshold"
                title={intl.formatMessage({ id: "dates.editor.threshold.description" })}
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_MIME, `entry:event:${THRESHOLD_TRIGGER}`);
                  event.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => onPick({ kind: "entry", type: "event", config: thresholdEntry() })}
                justifyContent="flex-start"
              >
                {intl.formatMessage({ id: "dates.editor.threshold" })}
              </Button>
            </>
          )}
        </Box>
      ))}
    </Box>
  );
});
Palette.displayName = "Palette";
