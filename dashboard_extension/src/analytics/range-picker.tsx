import { Box, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useMemo, useState } from "react";
import { useIntl } from "react-intl";

import { type DayRange, PRESETS, presetRange, type RangeCheck, type RangeChoice, rangeOf } from "./date-range";

export type RangeState = { choice: RangeChoice; custom: DayRange; compare: boolean };

/** The picker's state and the range it stands for (presets computed from the page's "now"). */
export const useRangeState = (initial: RangeChoice = "last30", compare = true) => {
  const [now] = useState(() => new Date());
  const [state, setState] = useState<RangeState>(() => ({ choice: initial, custom: presetRange("last30", now), compare }));
  const check: RangeCheck = useMemo(() => rangeOf(state.choice, state.custom, now), [state.choice, state.custom, now]);
  return { state, setState, check };
};

/** Presets, custom from/to days (UTC, inclusive) and the comparison with the previous period. */
export const RangePicker = ({ state, onChange, check }: { state: RangeState; onChange: (state: RangeState) => void; check: RangeCheck }) => {
  const intl = useIntl();
  const options = [...PRESETS, "custom" as const].map((value) => ({ value, label: intl.formatMessage({ id: `analytics.range.${value}` }) }));
  const problem = check.ok ? null : intl.formatMessage({ id: `analytics.range.problem.${check.problem}` });
  const fromProblem = !check.ok && check.problem === "invalidFrom";
  const toProblem = !check.ok && check.problem !== "invalidFrom";
  return (
    <Box
      as="form"
      aria-label={intl.formatMessage({ id: "analytics.range.label" })}
      onSubmit={(event) => event.preventDefault()}
      display="flex"
      flexWrap="wrap"
      gap={3}
      alignItems="flex-start"
      data-testid="range-picker"
    >
      <Box __width="220px">
        <Select
          label={intl.formatMessage({ id: "analytics.range.preset" })}
          options={options}
          value={state.choice}
          onChange={(choice: string) => onChange({ ...state, choice: choice as RangeChoice })}
          data-testid="range-preset"
        />
      </Box>
      {state.choice === "custom" && (
        <>
          <Box __width="180px">
            <Input
              type="date"
              label={intl.formatMessage({ id: "analytics.range.from" })}
              value={state.custom.from}
              onChange={(event) => onChange({ ...state, custom: { ...state.custom, from: event.target.value } })}
              error={fromProblem}
              aria-invalid={fromProblem}
              data-testid="range-from"
            />
          </Box>
          <Box __width="180px">
            <Input
              type="date"
              label={intl.formatMessage({ id: "analytics.range.to" })}
              value={state.custom.to}
              onChange={(event) => onChange({ ...state, custom: { ...state.custom, to: event.target.value } })}
              error={toProblem}
              aria-invalid={toProblem}
              data-testid="range-to"
            />
          </Box>
        </>
      )}
      <Box paddingTop={3}>
        <Checkbox checked={state.compare} onCheckedChange={(checked) => onChange({ ...state, compare: checked === true })} data-testid="range-compare">
          <Text size={3}>{intl.formatMessage({ id: "analytics.range.compare" })}</Text>
        </Checkbox>
      </Box>
      {problem && (
        <Box __flexBasis="100%" role="alert">
          <Text size={2} color="critical1" data-testid="range-problem">
            {problem}
          </Text>
        </Box>
      )}
    </Box>
  );
};

/** "1 Nov 2026 – 30 Nov 2026 (UTC)", the period an answer covers. */
export const PeriodText = ({ period, previous }: { period: DayRange; previous: DayRange | null }) => {
  const intl = useIntl();
  const day = (value: string) => intl.formatDate(new Date(`${value}T00:00:00Z`), { dateStyle: "medium", timeZone: "UTC" });
  return (
    <Text size={3} color="default2" data-testid="period">
      {intl.formatMessage({ id: "analytics.period" }, { from: day(period.from), to: day(period.to) })}
      {previous && ` ${intl.formatMessage({ id: "analytics.period.previous" }, { from: day(previous.from), to: day(previous.to) })}`}
    </Text>
  );
};
