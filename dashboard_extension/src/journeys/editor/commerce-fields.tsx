import { Box, Input, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { MAX_DAYS, MAX_PERCENT, commerceTriggerOf, interestDays, leastDrop, withInterestDays, withLeastDrop } from "./commerce";
import type { JsonObject } from "./types";

const numberOrNull = (text: string): number | null => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));

/** The settings of a commerce trigger's entry (commerce.ts): its window and least drop, written
 * as the entry's filters. Nothing for another entry. */
export const CommerceFields = ({ config, onChange }: { config: JsonObject; onChange: (config: JsonObject) => void }) => {
  const intl = useIntl();
  const trigger = commerceTriggerOf(config);
  if (!trigger) return null;
  const days = interestDays(config);
  const drop = leastDrop(config);
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="commerce-fields">
      <Text size={3} fontWeight="bold">
        {intl.formatMessage({ id: trigger.labelId })}
      </Text>
      <Text size={2} color="default2">
        {intl.formatMessage({ id: trigger.descriptionId })}
      </Text>
      <Input
        label={intl.formatMessage({ id: "editor.commerce.days" }, { max: MAX_DAYS })}
        type="number"
        min={1}
        max={MAX_DAYS}
        value={days === null ? "" : String(days)}
        onChange={(e) => onChange(withInterestDays(config, numberOrNull(e.target.value)))}
        data-testid="field-interest_days"
      />
      {trigger.percent !== null && (
        <Input
          label={intl.formatMessage({ id: "editor.commerce.percent" })}
          type="number"
          min={1}
          max={MAX_PERCENT}
          value={drop === null ? "" : String(drop)}
          onChange={(e) => onChange(withLeastDrop(config, numberOrNull(e.target.value)))}
          data-testid="field-drop_percent"
        />
      )}
    </Box>
  );
};
