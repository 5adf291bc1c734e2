/**
 * The A/B tests' fields of the side panel: a send-email step's subject-line test and a
 * broadcast's test share (with its local-time switch, which the test excludes). Their
 * decisions are in subject-test.ts and broadcast-test.ts.
 */
import { Box, Button, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { type JourneyFacts, METRICS, SHARE, WAIT, metricsOffered, newTest, testBlocked, testOf } from "./broadcast-test";
import { type FieldProps, Group, Row, numberOrUndefined, useLabel } from "./field-parts";
import {
  MAX_VARIANTS,
  MIN_VARIANTS,
  addVariant,
  canAddVariant,
  removeVariant,
  setVariant,
  startTest,
  subjectVariants,
  variantLetter,
  variantsValue,
} from "./subject-test";
import type { Json, JsonObject } from "./types";
import { isObject } from "./types";

/** An example subject, shown as it is written (not a message: its braces are Jinja's). */
const EXAMPLE = "{{ contact.first_name }}";

export const SubjectVariantsField = ({ spec, value, onChange, errors }: FieldProps) => {
  const intl = useIntl();
  const variants = subjectVariants({ subject_variants: value ?? null });
  const write = (next: string[]) => onChange(variantsValue(next));
  return (
    <Group label={useLabel(spec)} error={errors?.get("")} testId={`field-${spec.name}`}>
      {variants.length === 0 ? (
        <>
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.subjectTest.off" }, { min: MIN_VARIANTS, max: MAX_VARIANTS })}
          </Text>
          <Box>
            <Button variant="secondary" size="small" onClick={() => write(startTest())} data-testid="subject-test-start">
              {intl.formatMessage({ id: "editor.subjectTest.start" })}
            </Button>
          </Box>
        </>
      ) : (
        <>
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.subjectTest.hint" }, {
              count: variants.length,
              example: (
                <Text as="span" size={2} color="default1" __whiteSpace="nowrap">
                  {EXAMPLE}
                </Text>
              ),
            })}
          </Text>
          {variants.map((subject, index) => {
            const error = errors?.get(String(index));
            const letter = variantLetter(index);
            return (
              <Box key={index} display="flex" gap={2} alignItems="flex-start" data-testid={`subject-variant-${index}`}>
                <Box __flex="1 1 auto" __minWidth="0">
                  <Input
                    label={intl.formatMessage({ id: "editor.subjectTest.subject" }, { letter })}
                    value={subject}
                    onChange={(e) => write(setVariant(variants, index, e.target.value))}
                    error={Boolean(error)}
                    helperText={error}
                    data-testid={`subject-variant-${index}-input`}
                  />
                </Box>
                <Box paddingTop={2}>
                  <Button
                    variant="tertiary"
                    size="small"
                    aria-label={intl.formatMessage({ id: "editor.subjectTest.remove" }, { letter })}
                    onClick={() => write(removeVariant(variants, index))}
                    data-testid={`subject-variant-${index}-remove`}
                  >
                    {intl.formatMessage({ id: "editor.remove" })}
                  </Button>
                </Box>
              </Box>
            );
          })}
          <Row>
            <Button variant="secondary" size="small" disabled={!canAddVariant(variants)} onClick={() => write(addVariant(variants))} data-testid="subject-test-add">
              {intl.formatMessage({ id: "editor.subjectTest.add" }, { max: MAX_VARIANTS })}
            </Button>
            <Button variant="tertiary" size="small" onClick={() => write([])} data-testid="subject-test-end">
              {intl.formatMessage({ id: "editor.subjectTest.end" })}
            </Button>
          </Row>
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.subjectTest.removeHint" }, { min: MIN_VARIANTS })}
          </Text>
        </>
      )}
    </Group>
  );
};

/** A broadcast's "at local time" switch: off while a test share is on (one send time for everyone). */
export const LocalTimeField = ({ spec, value, onChange, config }: FieldProps & { config: JsonObject }) => {
  const intl = useIntl();
  const testing = testOf(config) !== null;
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Checkbox
        checked={value === true}
        disabled={testing && value !== true}
        onCheckedChange={(checked) => onChange(checked === true)}
        data-testid={`field-${spec.name}`}
      >
        <Text size={3} color={testing && value !== true ? "defaultDisabled" : "default1"}>
          {useLabel(spec)}
        </Text>
      </Checkbox>
      {testing && (
        <Text size={2} color="default2" data-testid="local-time-test-note">
          {intl.formatMessage({ id: "editor.broadcastTest.noLocalTime" })}
        </Text>
      )}
    </Box>
  );
};

const withPart = (test: JsonObject, name: string, part: Json | undefined): JsonObject => {
  const { [name]: _old, ...rest } = test;
  return part === undefined ? rest : { ...rest, [name]: part };
};

/** A broadcast's test share: the split it decides, the share, the wait and the deciding metric. */
export const BroadcastTestField = ({ spec, value, onChange, errors, config, journey }: FieldProps & { config: JsonObject; journey: JourneyFacts }) => {
  const intl = useIntl();
  const test = isObject(value) ? value : null;
  const blocked = testBlocked(config);
  const label = useLabel(spec);
  if (!test) {
    return (
      <Group label={label} error={errors?.get("")} testId={`field-${spec.name}`}>
        <Text size={2} color="default2">
          {intl.formatMessage({ id: "editor.broadcastTest.off" })}
        </Text>
        {blocked === "local_time" && (
          <Text size={2} color="default2" data-testid="broadcast-test-local-time">
            {intl.formatMessage({ id: "editor.broadcastTest.blockedByLocalTime" })}
          </Text>
        )}
        {journey.splits.length === 0 && (
          <Text size={2} color="default2" data-testid="broadcast-test-no-split">
            {intl.formatMessage({ id: "editor.broadcastTest.noSplit" })}
          </Text>
        )}
        <Box>
          <Button
            variant="secondary"
            size="small"
            disabled={blocked !== null || journey.splits.length === 0}
            onClick={() => onChange(newTest(journey.splits))}
            data-testid="broadcast-test-start"
          >
            {intl.formatMessage({ id: "editor.broadcastTest.start" })}
          </Button>
        </Box>
      </Group>
    );
  }
  const set = (name: string, part: Json | undefined) => onChange(withPart(test, name, part));
  const split = typeof test.split === "string" ? test.split : "";
  const splits = split && !journey.splits.includes(split) ? [...journey.splits, split] : journey.splits;
  const metric = typeof test.metric === "string" ? test.metric : "click";
  const number = (name: string, bounds: { min: number; max: number }, labelId: string, hintId: string) => (
    <Input
      label={intl.formatMessage({ id: labelId })}
      type="number"
      min={bounds.min}
      max={bounds.max}
      step={1}
      value={typeof test[name] === "number" ? String(test[name]) : ""}
      onChange={(e) => set(name, numberOrUndefined(e.target.value))}
      error={Boolean(errors?.get(name))}
      helperText={errors?.get(name) ?? intl.formatMessage({ id: hintId }, bounds)}
      data-testid={`broadcast-test-${name}`}
    />
  );
  return (
    <Group label={label} error={errors?.get("")} testId={`field-${spec.name}`}>
      <Text size={2} color="default2">
        {intl.formatMessage({ id: "editor.broadcastTest.hint" })}
      </Text>
      <Select
        label={intl.formatMessage({ id: "editor.broadcastTest.split" })}
        options={splits.map((id) => ({ value: id, label: id }))}
        value={split || null}
        onChange={(v: string) => set("split", v)}
        error={Boolean(errors?.get("split"))}
        helperText={errors?.get("split") ?? intl.formatMessage({ id: "editor.broadcastTest.splitHint" })}
        data-testid="broadcast-test-split"
      />
      {number("share_percent", SHARE, "editor.broadcastTest.share", "editor.broadcastTest.shareHint")}
      {number("wait_hours", WAIT, "editor.broadcastTest.wait", "editor.broadcastTest.waitHint")}
      <Select
        label={intl.formatMessage({ id: "editor.broadcastTest.metric" })}
        options={metricsOffered(journey.goal, metric).map((m) => ({ value: m, label: intl.formatMessage({ id: `editor.broadcastTest.metric.${m}` }) }))}
        value={(METRICS as readonly string[]).includes(metric) ? metric : null}
        onChange={(v: string) => set("metric", v)}
        error={Boolean(errors?.get("metric"))}
        helperText={errors?.get("metric") ?? (journey.goal ? undefined : intl.formatMessage({ id: "editor.broadcastTest.conversionNeedsGoal" }))}
        data-testid="broadcast-test-metric"
      />
      <Box>
        <Button variant="tertiary" size="small" onClick={() => onChange(undefined)} data-testid="broadcast-test-end">
          {intl.formatMessage({ id: "editor.broadcastTest.end" })}
        </Button>
      </Box>
    </Group>
  );
};
