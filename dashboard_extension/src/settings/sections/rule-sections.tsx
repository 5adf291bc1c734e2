/** The sections of appSettings' rules: sending rules, lifecycle and thresholds, storefront, attribution. */
import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import {
  ABANDONMENT,
  ATTRIBUTION_DAYS,
  attributionForm,
  CAP_COUNT,
  CAP_HOURS,
  checkAttribution,
  checkLifecycle,
  checkRules,
  checkStorefront,
  lifecycleForm,
  rulesForm,
  storefrontForm,
} from "../app-forms";
import { CheckField, FieldRow, LinesField, SectionForm, SelectField, TextField, useErrorText, useSection } from "../section-form";
import type { AppSettings } from "../types";
import { useSettingsSaves } from "../use-settings";

const useT = () => {
  const intl = useIntl();
  return (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
};

const range = ([low, high]: readonly [number, number]) => ({ low, high });

export const RulesSection = ({ settings }: { settings: AppSettings }) => {
  const t = useT();
  const saves = useSettingsSaves();
  const state = useSection({ initial: rulesForm(settings), check: checkRules, save: saves.appSettings, savedTitle: t("settings.rules.saved") });
  const { form, set, errors } = state;
  const hours = t("settings.range", range(CAP_HOURS));
  return (
    <SectionForm id="rules" title={t("settings.rules.title")} description={t("settings.rules.text")} state={state}>
      {(["email", "sms", "push"] as const).map((channel) => {
        const countKey = channel === "email" ? "capCount" : (`${channel}CapCount` as const);
        const hoursKey = channel === "email" ? "capHours" : (`${channel}CapHours` as const);
        return (
          <Box key={channel} role="group" aria-label={t(`settings.rules.cap.${channel}`)} display="flex" flexDirection="column" gap={2}>
            <Text size={4} fontWeight="medium">
              {t(`settings.rules.cap.${channel}`)}
            </Text>
            <FieldRow>
              <TextField name={countKey} label={t(`settings.rules.capCount.${channel}`)} hint={channel === "email" ? t("settings.rules.capCountHint", range(CAP_COUNT)) : t("settings.rules.channelCapHint")} value={form[countKey]} onChange={(v) => set(countKey, v)} error={errors[countKey]} />
              <TextField name={hoursKey} label={t(`settings.rules.capHours.${channel}`)} hint={hours} value={form[hoursKey]} onChange={(v) => set(hoursKey, v)} error={errors[hoursKey]} />
            </FieldRow>
          </Box>
        );
      })}
      <Box role="group" aria-label={t("settings.rules.quiet")} display="flex" flexDirection="column" gap={2}>
        <Text size={4} fontWeight="medium">
          {t("settings.rules.quiet")}
        </Text>
        <FieldRow>
          <TextField name="quietStartHour" label={t("settings.rules.quietStart")} hint={t("settings.rules.hourHint")} value={form.quietStartHour} onChange={(v) => set("quietStartHour", v)} error={errors.quietStartHour} />
          <TextField name="quietEndHour" label={t("settings.rules.quietEnd")} hint={t("settings.rules.hourHint")} value={form.quietEndHour} onChange={(v) => set("quietEndHour", v)} error={errors.quietEndHour} />
          <SelectField
            name="quietAction"
            label={t("settings.rules.quietAction")}
            value={form.quietAction}
            onChange={(v) => set("quietAction", v)}
            options={["defer", "skip"].map((a) => ({ value: a, label: t(`settings.rules.quietAction.${a}`) }))}
            error={errors.quietAction}
          />
        </FieldRow>
      </Box>
    </SectionForm>
  );
};

export const LifecycleSection = ({ settings }: { settings: AppSettings }) => {
  const t = useT();
  const saves = useSettingsSaves();
  const state = useSection({ initial: lifecycleForm(settings), check: checkLifecycle, save: saves.appSettings, savedTitle: t("settings.lifecycle.saved") });
  const { form, set, errors } = state;
  return (
    <SectionForm id="lifecycle" title={t("settings.lifecycle.title")} state={state}>
      <FieldRow>
        <TextField name="lapsingAfterDays" label={t("settings.lifecycle.lapsing")} hint={t("settings.lifecycle.lapsingHint")} value={form.lapsingAfterDays} onChange={(v) => set("lapsingAfterDays", v)} error={errors.lapsingAfterDays} />
        <TextField name="lapsedAfterDays" label={t("settings.lifecycle.lapsed")} hint={t("settings.lifecycle.lapsedHint")} value={form.lapsedAfterDays} onChange={(v) => set("lapsedAfterDays", v)} error={errors.lapsedAfterDays} />
        <TextField name="vipMinOrders" label={t("settings.lifecycle.vip")} hint={t("settings.lifecycle.vipHint")} value={form.vipMinOrders} onChange={(v) => set("vipMinOrders", v)} error={errors.vipMinOrders} />
      </FieldRow>
      <LinesField name="spendThresholds" label={t("settings.lifecycle.spend")} hint={t("settings.lifecycle.spendHint")} value={form.spendThresholds} onChange={(v) => set("spendThresholds", v)} error={errors.spendThresholds} />
      <FieldRow>
        <TextField name="checkoutAbandonedAfterMinutes" label={t("settings.lifecycle.checkout")} hint={t("settings.range", range(ABANDONMENT.checkoutAbandonedAfterMinutes))} value={form.checkoutAbandonedAfterMinutes} onChange={(v) => set("checkoutAbandonedAfterMinutes", v)} error={errors.checkoutAbandonedAfterMinutes} />
        <TextField name="browseAbandonedAfterMinutes" label={t("settings.lifecycle.browse")} hint={t("settings.range", range(ABANDONMENT.browseAbandonedAfterMinutes))} value={form.browseAbandonedAfterMinutes} onChange={(v) => set("browseAbandonedAfterMinutes", v)} error={errors.browseAbandonedAfterMinutes} />
        <TextField name="browseWindowHours" label={t("settings.lifecycle.browseWindow")} hint={t("settings.range", range(ABANDONMENT.browseWindowHours))} value={form.browseWindowHours} onChange={(v) => set("browseWindowHours", v)} error={errors.browseWindowHours} />
      </FieldRow>
    </SectionForm>
  );
};

export const StorefrontSection = ({ settings }: { settings: AppSettings }) => {
  const t = useT();
  const errorText = useErrorText();
  const saves = useSettingsSaves();
  const state = useSection({ initial: storefrontForm(settings), check: checkStorefront, save: saves.appSettings, savedTitle: t("settings.storefront.saved") });
  const { form, set, errors } = state;
  return (
    <SectionForm id="storefront" title={t("settings.storefront.title")} state={state}>
      <LinesField name="storefrontUrls" label={t("settings.storefront.urls")} hint={t("settings.storefront.urlsHint")} value={form.storefrontUrls} onChange={(v) => set("storefrontUrls", v)} error={errors.storefrontUrls} />
      <FieldRow>
        <LinesField name="storefrontOrigins" label={t("settings.storefront.origins")} hint={t("settings.storefront.originsHint")} value={form.storefrontOrigins} onChange={(v) => set("storefrontOrigins", v)} error={errors.storefrontOrigins} />
        <LinesField name="dashboardOrigins" label={t("settings.storefront.dashboardOrigins")} hint={t("settings.storefront.dashboardOriginsHint")} value={form.dashboardOrigins} onChange={(v) => set("dashboardOrigins", v)} error={errors.dashboardOrigins} />
      </FieldRow>
      <Box role="group" aria-label={t("settings.storefront.metadataKeys")} display="flex" flexDirection="column" gap={2} data-testid="settings-field-metadataKeys">
        <Text size={4} fontWeight="medium">
          {t("settings.storefront.metadataKeys")}
        </Text>
        <Text size={2} color="default2">
          {t("settings.storefront.metadataKeysHint")}
        </Text>
        <FieldRow>
          {Object.entries(form.metadataKeys).map(([key, value]) => (
            <TextField
              key={key}
              name={`metadataKey-${key}`}
              label={t("settings.storefront.metadataKeyFor", { key })}
              value={value}
              onChange={(v) => set("metadataKeys", { ...form.metadataKeys, [key]: v })}
            />
          ))}
        </FieldRow>
        {errors.metadataKeys && (
          <Text role="alert" size={2} color="critical1">
            {errorText(errors.metadataKeys)}
          </Text>
        )}
      </Box>
    </SectionForm>
  );
};

export const AttributionSection = ({ settings }: { settings: AppSettings }) => {
  const t = useT();
  const saves = useSettingsSaves();
  const state = useSection({ initial: attributionForm(settings), check: checkAttribution, save: saves.appSettings, savedTitle: t("settings.attribution.saved") });
  const { form, set, errors } = state;
  return (
    <SectionForm id="attribution" title={t("settings.attribution.title")} description={t("settings.attribution.text")} state={state}>
      <FieldRow>
        <TextField name="clickDays" label={t("settings.attribution.clickDays")} hint={t("settings.attribution.daysHint", range(ATTRIBUTION_DAYS))} value={form.clickDays} onChange={(v) => set("clickDays", v)} error={errors.clickDays} />
        <TextField name="openDays" label={t("settings.attribution.openDays")} hint={t("settings.attribution.daysHint", range(ATTRIBUTION_DAYS))} value={form.openDays} onChange={(v) => set("openDays", v)} error={errors.openDays} />
      </FieldRow>
      <CheckField name="clickOnly" label={t("settings.attribution.clickOnly")} checked={form.clickOnly} onChange={(v) => set("clickOnly", v)} />
    </SectionForm>
  );
};
