/** Consent texts: each channel's wording per language with its versions (the current one
 * marked), and a new version (versions never change: a new wording gets a new label). */
import { Box, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { formatDateTime } from "../../lib/format";
import { useAppLocale } from "../../providers/locale-provider";
import { CONSENT_CHANNELS, checkConsentText, type ConsentTextForm, consentTextGroups, EMPTY_CONSENT_TEXT } from "../consent-texts";
import { FieldRow, LinesField, SectionForm, SelectField, TextField, useSection } from "../section-form";
import { useAddConsentText, useConsentTexts } from "../use-settings";

const NewVersion = ({ onAdded }: { onAdded: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const add = useAddConsentText();
  const state = useSection<ConsentTextForm>({
    initial: EMPTY_CONSENT_TEXT,
    check: (_initial, form) => checkConsentText(form),
    save: async (input) => {
      await add(input);
      onAdded();
    },
    savedTitle: t("settings.consent.added"),
  });
  const { form, set, errors } = state;
  return (
    <SectionForm id="new-consent-text" title={t("settings.consent.new")} description={t("settings.consent.newHint")} state={state}>
      <FieldRow>
        <SelectField
          name="consentChannel"
          label={t("settings.consent.channel")}
          value={form.channel}
          onChange={(v) => set("channel", v)}
          options={CONSENT_CHANNELS.map((channel) => ({ value: channel, label: t(`settings.consent.channel.${channel}`) }))}
          error={errors.channel}
        />
        <TextField name="consentLanguage" label={t("settings.consent.language")} hint={t("settings.consent.languageHint")} value={form.language} onChange={(v) => set("language", v)} error={errors.language} />
        <TextField name="consentVersion" label={t("settings.consent.version")} hint={t("settings.consent.versionHint")} value={form.version} onChange={(v) => set("version", v)} error={errors.version} />
      </FieldRow>
      <LinesField name="consentText" label={t("settings.consent.text")} value={form.consentText} onChange={(v) => set("consentText", v)} error={errors.consentText} />
    </SectionForm>
  );
};

export const ConsentTextsSection = () => {
  const intl = useIntl();
  const locale = useAppLocale();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const texts = useConsentTexts();
  const [formKey, setFormKey] = useState(0);
  const groups = texts.data ? consentTextGroups(texts.data) : [];
  return (
    <Box as="section" aria-labelledby="settings-consent-heading" display="flex" flexDirection="column" gap={4} data-testid="settings-section-consent-texts">
      <Text as="h2" id="settings-consent-heading" size={7} fontWeight="bold">
        {t("settings.consent.title")}
      </Text>
      <Text as="p" size={3} color="default2">
        {t("settings.consent.intro")}
      </Text>
      {texts.isPending && <LoadingState label={t("settings.consent.loading")} />}
      {texts.isError && <ErrorState error={texts.error} onRetry={() => void texts.refetch()} />}
      {texts.data && groups.length === 0 && (
        <Text size={3} data-testid="consent-texts-empty">
          {t("settings.consent.empty")}
        </Text>
      )}
      {groups.map((group) => {
        const heading = t("settings.consent.group", { channel: t(`settings.consent.channel.${group.channel}`), language: group.language });
        return (
          <Box key={`${group.channel}:${group.language}`} display="flex" flexDirection="column" gap={2} data-testid="consent-text-group" data-channel={group.channel} data-language={group.language}>
            <Text as="h3" size={5} fontWeight="medium">
              {heading}
            </Text>
            <Box as="ol" margin={0} paddingLeft={0} listStyleType="none" display="flex" flexDirection="column" gap={2} aria-label={heading}>
              {group.versions.map((version) => (
                <Box
                  as="li"
                  key={version.version}
                  padding={3}
                  borderStyle="solid"
                  borderWidth={1}
                  borderRadius={3}
                  borderColor={version.current ? "accent1" : "default1"}
                  data-testid="consent-text-version"
                  data-version={version.version}
                >
                  <Box display="flex" gap={3} flexWrap="wrap" alignItems="baseline">
                    <Text size={4} fontWeight="bold">
                      {version.version}
                    </Text>
                    {version.current && (
                      <Text size={2} color="accent1" fontWeight="medium" data-testid="consent-text-current">
                        {t("settings.consent.current")}
                      </Text>
                    )}
                    <Text size={2} color="default2">
                      {t("settings.consent.createdAt", { at: formatDateTime(version.createdAt, locale) })}
                    </Text>
                  </Box>
                  <Text as="p" size={3} __whiteSpace="pre-wrap" data-testid="consent-text-body">
                    {version.text}
                  </Text>
                </Box>
              ))}
            </Box>
          </Box>
        );
      })}
      <NewVersion key={formKey} onAdded={() => setFormKey((k) => k + 1)} />
    </Box>
  );
};
