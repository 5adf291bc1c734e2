import { Box, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import {
  DIRECTIONS,
  type Direction,
  PROFILE_DATE_FIELDS,
  REPEATS,
  type Repeat,
  UNITS,
  type Unit,
  canEnterAlreadyAbove,
  entersAlreadyAbove,
  isThresholdEntry,
  nextOccurrences,
  offsetOf,
  repeatOf,
  thresholdOf,
  withAttribute,
  withDateField,
  withDirection,
  withEnterAlreadyAbove,
  withEvery,
  withOffset,
  withRepeat,
  withStart,
  withThresholdAttribute,
  withThresholdValue,
  withUnit,
} from "./date-entries";
import type { JsonObject } from "./types";

type Props = { config: JsonObject; onChange: (config: JsonObject) => void };

const numberOrNull = (text: string): number | null => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));
const today = () => new Date().toISOString().slice(0, 10);

/** A date entry's date (a profile date or a custom attribute), repeat and offset
 * (date-entries.ts); its hour is the catalogue's field. */
export const DateEntryFields = ({ config, onChange }: Props) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const field = typeof config.field === "string" ? config.field : "birthday";
  const offset = offsetOf(config);
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="date-entry-fields">
      <Select
        label={t("dates.editor.field")}
        options={[...PROFILE_DATE_FIELDS, "attribute"].map((value) => ({ value, label: t(`dates.editor.field.${value}`) }))}
        value={field}
        onChange={(value: string) => onChange(withDateField(config, value))}
        data-testid="field-date-field"
      />
      {field === "attribute" && (
        <Input
          label={t("dates.editor.attribute")}
          value={typeof config.attribute === "string" ? config.attribute : ""}
          onChange={(e) => onChange(withAttribute(config, e.target.value))}
          helperText={t("dates.editor.attribute.help")}
          data-testid="field-date-attribute"
        />
      )}
      <Select
        label={t("dates.editor.repeat")}
        options={REPEATS.map((value) => ({ value, label: t(`dates.editor.repeat.${value}`) }))}
        value={repeatOf(config)}
        onChange={(value: string) => onChange(withRepeat(config, value as Repeat))}
        data-testid="field-date-repeat"
      />
      <Box display="flex" gap={2}>
        <Input
          label={t("dates.editor.days")}
          type="number"
          min={0}
          value={String(offset.days)}
          onChange={(e) => onChange(withOffset(config, numberOrNull(e.target.value) ?? 0, offset.when))}
          data-testid="field-date-days"
        />
        <Select
          label={t("dates.editor.when")}
          options={(["before", "after"] as const).map((value) => ({ value, label: t(`dates.editor.when.${value}`) }))}
          value={offset.when}
          onChange={(value: string) => onChange(withOffset(config, offset.days, value as "before" | "after"))}
          data-testid="field-date-when"
        />
      </Box>
      <Text size={2} color="default2">
        {t(repeatOf(config) === "yearly" ? "dates.editor.rule.yearly" : "dates.editor.rule.once")}
      </Text>
    </Box>
  );
};

/** A recurring entry's interval and start, with the next occurrences; its segment and hour are
 * the catalogue's fields. */
export const RecurringFields = ({ config, onChange }: Props) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const next = nextOccurrences(config, today());
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="recurring-fields">
      <Box display="flex" gap={2}>
        <Input
          label={t("dates.editor.every")}
          type="number"
          min={1}
          max={365}
          value={typeof config.every === "number" ? String(config.every) : "1"}
          onChange={(e) => onChange(withEvery(config, numberOrNull(e.target.value) ?? 1))}
          data-testid="field-recurring-every"
        />
        <Select
          label={t("dates.editor.unit")}
          options={UNITS.map((value) => ({ value, label: t(`dates.editor.unit.${value}`) }))}
          value={typeof config.unit === "string" ? config.unit : "months"}
          onChange={(value: string) => onChange(withUnit(config, value as Unit))}
          data-testid="field-recurring-unit"
        />
      </Box>
      <Input
        label={t("dates.editor.start")}
        type="date"
        value={typeof config.start === "string" ? config.start : ""}
        onChange={(e) => onChange(withStart(config, e.target.value))}
        data-testid="field-recurring-start"
      />
      <Text size={2} color="default2" data-testid="recurring-next">
        {next.length ? t("dates.editor.next", { dates: next.join(", ") }) : t("dates.editor.noStart")}
      </Text>
      <Text size={2} color="default2">
        {t("dates.editor.rule.months")}
      </Text>
    </Box>
  );
};

/** "Attribute crossed a line": the attribute, the line and the direction, written as the event
 * entry's filters. Nothing for another entry. */
export const ThresholdFields = ({ config, onChange }: Props) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  if (!isThresholdEntry(config)) return null;
  const { attribute, threshold, direction } = thresholdOf(config);
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="threshold-fields">
      <Text size={3} fontWeight="bold">
        {t("dates.editor.threshold")}
      </Text>
      <Text size={2} color="default2">
        {t("dates.editor.threshold.description")}
      </Text>
      <Input
        label={t("dates.editor.threshold.attribute")}
        value={attribute}
        onChange={(e) => onChange(withThresholdAttribute(config, e.target.value))}
        helperText={t("dates.editor.threshold.attribute.help")}
        data-testid="field-threshold-attribute"
      />
      <Input
        label={t("dates.editor.threshold.value")}
        type="number"
        value={threshold === null ? "" : String(threshold)}
        onChange={(e) => onChange(withThresholdValue(config, numberOrNull(e.target.value)))}
        data-testid="field-threshold-value"
      />
      <Select
        label={t("dates.editor.threshold.direction")}
        options={[{ value: "any", label: t("dates.editor.direction.any") }, ...DIRECTIONS.map((value) => ({ value, label: t(`dates.editor.direction.${value}`) }))]}
        value={direction ?? "any"}
        onChange={(value: string) => onChange(withDirection(config, value === "any" ? null : (value as Direction)))}
        data-testid="field-threshold-direction"
      />
      {canEnterAlreadyAbove(config) && (
        <Box display="flex" flexDirection="column" gap={1}>
          <Checkbox
            checked={entersAlreadyAbove(config)}
            onCheckedChange={(checked) => onChange(withEnterAlreadyAbove(config, checked === true))}
            data-testid="field-threshold-already-above"
          >
            <Text size={3}>{t("dates.editor.threshold.alreadyAbove")}</Text>
          </Checkbox>
          <Text size={2} color="default2">
            {t(entersAlreadyAbove(config) ? "dates.editor.threshold.alreadyAbove.on" : "dates.editor.threshold.alreadyAbove.off")}
          </Text>
        </Box>
      )}
    </Box>
  );
};
