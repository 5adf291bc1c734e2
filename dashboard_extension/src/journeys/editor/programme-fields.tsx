import { Box, Input, Select, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import {
  leastScore,
  NPS_GROUPS,
  type NpsGroup,
  npsGroup,
  programmeKey,
  programmeTriggerOf,
  withLeastScore,
  withNpsGroup,
  withProgrammeKey,
} from "./programme-triggers";
import type { JsonObject } from "./types";

const numberOrNull = (text: string): number | null => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));

/** The settings of a survey or prize-draw entry (programme-triggers.ts), written as the entry's
 * filters. Nothing for another entry. */
export const ProgrammeFields = ({ config, onChange }: { config: JsonObject; onChange: (config: JsonObject) => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const trigger = programmeTriggerOf(config);
  if (!trigger) return null;
  const score = leastScore(config);
  const group = npsGroup(config);
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="programme-fields">
      <Text size={3} fontWeight="bold">
        {t(trigger.labelId)}
      </Text>
      <Text size={2} color="default2">
        {t(trigger.descriptionId)}
      </Text>
      <Input
        label={t(trigger.id === "draw_won" ? "programmes.editor.drawKey" : "programmes.editor.surveyKey")}
        value={programmeKey(config)}
        onChange={(e) => onChange(withProgrammeKey(config, e.target.value))}
        helperText={t("programmes.editor.keyHelp")}
        data-testid="field-programme-key"
      />
      {trigger.id === "survey_answered" && (
        <>
          <Input
            label={t("programmes.editor.leastScore")}
            type="number"
            min={0}
            max={10}
            value={score === null ? "" : String(score)}
            onChange={(e) => onChange(withLeastScore(config, numberOrNull(e.target.value)))}
            data-testid="field-least-score"
          />
          <Select
            label={t("programmes.editor.npsGroup")}
            options={[{ value: "any", label: t("programmes.editor.npsGroup.any") }, ...NPS_GROUPS.map((value) => ({ value, label: t(`programmes.editor.npsGroup.${value}`) }))]}
            value={group ?? "any"}
            onChange={(value: string) => onChange(withNpsGroup(config, value === "any" ? null : (value as NpsGroup)))}
            data-testid="field-nps-group"
          />
        </>
      )}
    </Box>
  );
};
