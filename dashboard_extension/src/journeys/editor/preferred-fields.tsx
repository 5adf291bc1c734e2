/** The side panel's section of a "send on the preferred channel" step: its channels in fallback
 * order, a template of that channel for each, moved up and down, added and removed. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import type { FieldProblem } from "./field-errors";
import { fieldError, innerErrors } from "./field-errors";
import { TemplateField } from "./pickers";
import {
  type ChannelRow,
  channelRows,
  channelsLeft,
  rowAdded,
  rowMoved,
  rowRemoved,
  templateSet,
  withRows,
} from "./preferred-channel";
import type { JsonObject } from "./types";

type Props = {
  config: JsonObject;
  onChange: (config: JsonObject) => void;
  problems: readonly FieldProblem[];
};

export const PreferredChannelsFields = ({ config, onChange, problems }: Props) => {
  const intl = useIntl();
  const rows = channelRows(config);
  const set = (next: ChannelRow[]) => onChange(withRows(config, next));
  const templateErrors = innerErrors(problems, "templates");
  const orderError = fieldError(problems, "fallback") ?? templateErrors.get("");
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="preferred-channels">
      <Text size={3} fontWeight="medium">
        {intl.formatMessage({ id: "preferred.editor.channels" })}
      </Text>
      <Text size={2} color="default2">
        {intl.formatMessage({ id: "preferred.editor.hint" })}
      </Text>
      {rows.map((row, index) => (
        <Box
          key={row.channel}
          display="flex"
          flexDirection="column"
          gap={1}
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
          borderRadius={3}
          padding={2}
          data-testid={`preferred-row-${row.channel}`}
        >
          <Text size={2} fontWeight="bold">
            {intl.formatMessage({ id: "preferred.editor.position" }, { position: index + 1 })}{" "}
            {intl.formatMessage({ id: `preferred.channel.${row.channel}` })}
          </Text>
          <TemplateField
            spec={{ name: `templates.${row.channel}`, kind: "template", labelId: "preferred.editor.template", channel: row.channel }}
            value={row.template}
            onChange={(key) => set(templateSet(rows, row.channel, typeof key === "string" ? key : ""))}
            error={templateErrors.get(row.channel)}
          />
          <Box display="flex" gap={1}>
            <Button variant="tertiary" size="small" disabled={index === 0} onClick={() => set(rowMoved(rows, index, -1))}>
              {intl.formatMessage({ id: "preferred.editor.up" })}
            </Button>
            <Button variant="tertiary" size="small" disabled={index === rows.length - 1} onClick={() => set(rowMoved(rows, index, 1))}>
              {intl.formatMessage({ id: "preferred.editor.down" })}
            </Button>
            <Button variant="tertiary" size="small" disabled={rows.length === 1} onClick={() => set(rowRemoved(rows, row.channel))}>
              {intl.formatMessage({ id: "editor.remove" })}
            </Button>
          </Box>
        </Box>
      ))}
      {orderError && (
        <Text size={2} color="critical1">
          {orderError}
        </Text>
      )}
      <Box display="flex" gap={1} flexWrap="wrap">
        {channelsLeft(rows).map((channel) => (
          <Button
            key={channel}
            variant="secondary"
            size="small"
            onClick={() => set(rowAdded(rows, channel))}
            data-testid={`preferred-add-${channel}`}
          >
            {intl.formatMessage(
              { id: "preferred.editor.add" },
              { channel: intl.formatMessage({ id: `preferred.channel.${channel}` }) },
            )}
          </Button>
        ))}
      </Box>
    </Box>
  );
};
