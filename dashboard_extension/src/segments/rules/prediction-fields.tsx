/**
 * The fields of a `prediction` row (prediction.ts): the metric, a currency for spend, the
 * comparison and the value (a probability as a percentage), with what the metric means and,
 * while the shop has no fit for it, why the condition matches nobody yet.
 */
import { Box, Input, Select, Text } from "@saleor/macaw-ui";
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useIntl } from "react-intl";

import type { PredictionFit } from "../../contacts/predictions";
import { useSaleorChannels } from "../../journeys/editor/api";
import { useGraphQLClient } from "../../providers/data-provider";
import type { Json, JsonObject, RowError } from "./model";
import { hasFieldError } from "./model";
import { PREDICTION_METRICS, type PredictionMetric, isPredictionMetric, predictionOps, readiness, shownValue, storedValue, withPredictionMetric } from "./prediction";
import { RULE_PREDICTION_FITS_QUERY } from "./prediction.documents";

const usePredictionFits = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["segment-rules", "prediction-fits"],
    queryFn: ({ signal }) => client.request<{ predictionFits: PredictionFit[] }>(RULE_PREDICTION_FITS_QUERY, {}, { signal }),
    staleTime: 60_000,
  });
};

const numberText = (value: Json): string => (typeof value === "number" ? String(value) : typeof value === "string" ? value : "");
const numberFrom = (text: string): Json => (text.trim() === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text);

export const PredictionFields = ({
  condition,
  errors,
  disabled,
  onChange,
}: {
  condition: JsonObject;
  errors: readonly RowError[] | undefined;
  disabled: boolean;
  onChange: (next: JsonObject) => void;
}) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const fits = usePredictionFits();
  const channels = useSaleorChannels();
  const listId = useId();
  const currencies = [...new Set((channels.data?.channels ?? []).map((c) => c.currencyCode))].sort();
  const metric: PredictionMetric = isPredictionMetric(condition.metric) ? condition.metric : "probability_active";
  const ops = predictionOps(metric);
  const op = typeof condition.op === "string" ? condition.op : "";
  const ready = fits.data ? readiness(fits.data.predictionFits, metric, condition.currency) : null;
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="prediction-fields">
      <Box display="flex" gap={2} alignItems="flex-start" flexWrap="wrap">
        <Box __width="260px">
          <Select
            size="small"
            label={t("rules.field.metric")}
            options={PREDICTION_METRICS.map((value) => ({ value, label: t(`rules.prediction.metric.${value}`) }))}
            value={metric}
            onChange={(v: string | { value: string } | null) => {
              const next = typeof v === "string" ? v : v?.value;
              if (isPredictionMetric(next) && next !== metric) onChange(withPredictionMetric(condition, next, currencies[0] ?? "USD"));
            }}
            disabled={disabled}
            error={hasFieldError(errors, "metric")}
            data-testid="prediction-metric"
          />
        </Box>
        {metric === "clv" && (
          <Box __width="110px">
            <Input
              size="small"
              label={t("rules.field.currency")}
              list={listId}
              value={typeof condition.currency === "string" ? condition.currency : ""}
              onChange={(e) => onChange({ ...condition, currency: e.target.value.toUpperCase() })}
              disabled={disabled}
              error={hasFieldError(errors, "currency")}
              data-testid="prediction-currency"
            />
            <datalist id={listId}>
              {currencies.map((code) => (
                <option key={code} value={code} />
              ))}
            </datalist>
          </Box>
        )}
        <Box __width="180px">
          <Select
            size="small"
            label={t("rules.field.op")}
            options={[...(op && !ops.includes(op) ? [{ value: op, label: op }] : []), ...ops.map((value) => ({ value, label: t(`rules.op.${value}`) }))]}
            value={op || null}
            onChange={(v: string | { value: string } | null) => {
              const next = typeof v === "string" ? v : v?.value;
              if (next) onChange({ ...condition, op: next });
            }}
            disabled={disabled}
            error={hasFieldError(errors, "op")}
            data-testid="prediction-op"
          />
        </Box>
        <Box __width="140px">
          <Input
            size="small"
            type="number"
            label={t(`rules.prediction.value.${metric}`)}
            value={numberText(shownValue(condition))}
            onChange={(e) => onChange({ ...condition, value: storedValue(metric, numberFrom(e.target.value)) })}
            disabled={disabled}
            error={hasFieldError(errors, "value")}
            data-testid="prediction-value"
          />
        </Box>
      </Box>
      <Text size={2} color="default2" data-testid="prediction-hint">
        {t(`rules.prediction.hint.${metric}`)}
      </Text>
      {ready && ready.kind !== "ready" && (
        <Box display="flex" flexDirection="column" gap={1} data-testid="prediction-readiness" data-readiness={ready.kind}>
          <Text size={2} color="warning1">
            {ready.kind === "noCurrencyFit"
              ? ready.repeatBuyers
                ? t("rules.prediction.noCurrencyFit", { currency: ready.currency, have: ready.repeatBuyers[0], need: ready.repeatBuyers[1] })
                : t("rules.prediction.noCurrencyOrders", { currency: ready.currency })
              : t(`rules.prediction.${ready.kind}`)}
          </Text>
          {ready.kind === "notEnoughData" &&
            (["buyers", "repeatBuyers", "days"] as const).map((need) => {
              const counts = ready.shortfall[need];
              return counts ? (
                <Text key={need} size={2} color="default2">
                  {t(`contacts.predictions.need.${need}`, { have: counts[0], need: counts[1] })}
                </Text>
              ) : null;
            })}
        </Box>
      )}
    </Box>
  );
};
