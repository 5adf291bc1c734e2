/** The sections for sending: sender and email provider, SMS (Twilio) and web push. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { useNotify } from "../../hooks/use-notify";
import { senderForm } from "../app-forms";
import {
  checkPushSubject,
  checkSenderAndEmail,
  checkSms,
  EMAIL_KINDS,
  emailForm,
  type SenderEmailForm,
  SMTP_SECURITY,
  smsForm,
} from "../provider-forms";
import { CheckField, FieldRow, SecretField, SectionForm, SelectField, TextField, useSection } from "../section-form";
import type { AppSettings, EmailProvider, PushSettings, SmsProvider } from "../types";
import { useSettingsSaves } from "../use-settings";

export const SenderEmailSection = ({ settings, provider }: { settings: AppSettings; provider: EmailProvider }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const saves = useSettingsSaves();
  const state = useSection<SenderEmailForm>({
    initial: { ...senderForm(settings), ...emailForm(provider) },
    check: checkSenderAndEmail,
    save: saves.senderAndProvider,
    savedTitle: t("settings.sender.saved"),
  });
  const { form, set, errors } = state;
  return (
    <SectionForm id="sender" title={t("settings.sender.title")} description={t("settings.sender.sender", { sender: settings.sender })} state={state}>
      <FieldRow>
        <TextField name="senderName" label={t("settings.sender.name")} hint={t("settings.sender.nameHint")} value={form.senderName} onChange={(v) => set("senderName", v)} error={errors.senderName} />
        <TextField name="fromEmail" label={t("settings.sender.fromEmail")} hint={t("settings.sender.fromEmailHint")} value={form.fromEmail} onChange={(v) => set("fromEmail", v)} error={errors.fromEmail} />
        <TextField name="replyTo" label={t("settings.sender.replyTo")} value={form.replyTo} onChange={(v) => set("replyTo", v)} error={errors.replyTo} />
      </FieldRow>
      <Text as="h3" size={5} fontWeight="bold">
        {t("settings.email.title")}
      </Text>
      <FieldRow>
        <SelectField
          name="kind"
          label={t("settings.email.kind")}
          value={form.kind}
          onChange={(v) => set("kind", v)}
          options={EMAIL_KINDS.map((kind) => ({ value: kind, label: t(`settings.email.kind.${kind}`) }))}
          error={errors.kind}
        />
        <TextField name="maxPerSecond" label={t("settings.maxPerSecond")} hint={t("settings.maxPerSecondHint")} value={form.maxPerSecond} onChange={(v) => set("maxPerSecond", v)} error={errors.maxPerSecond} />
        {form.kind !== "default" && (
          <TextField name="connections" label={t("settings.email.connections")} hint={t("settings.email.connectionsHint")} value={form.connections} onChange={(v) => set("connections", v)} error={errors.connections} />
        )}
      </FieldRow>
      {form.kind === "smtp" && (
        <FieldRow>
          <TextField name="smtpHost" label={t("settings.email.smtpHost")} value={form.smtpHost} onChange={(v) => set("smtpHost", v)} error={errors.smtpHost} />
          <TextField name="smtpPort" label={t("settings.email.smtpPort")} value={form.smtpPort} onChange={(v) => set("smtpPort", v)} error={errors.smtpPort} />
          <SelectField
            name="smtpSecurity"
            label={t("settings.email.smtpSecurity")}
            value={form.smtpSecurity}
            onChange={(v) => set("smtpSecurity", v)}
            options={SMTP_SECURITY.map((s) => ({ value: s, label: t(`settings.email.security.${s}`) }))}
            error={errors.smtpSecurity}
          />
          <TextField name="smtpUsername" label={t("settings.email.smtpUsername")} value={form.smtpUsername} onChange={(v) => set("smtpUsername", v)} error={errors.smtpUsername} />
          <SecretField name="smtpPassword" label={t("settings.email.smtpPassword")} stored={provider.hasSmtpPassword} value={form.smtpPassword} onChange={(v) => set("smtpPassword", v)} error={errors.smtpPassword} />
        </FieldRow>
      )}
      {form.kind === "esp" && (
        <FieldRow>
          <TextField name="esp" label={t("settings.email.esp")} hint={t("settings.email.espHint")} value={form.esp} onChange={(v) => set("esp", v)} error={errors.esp} />
          <SecretField name="espSettings" label={t("settings.email.espSettings")} stored={provider.hasEspSettings} value={form.espSettings} onChange={(v) => set("espSettings", v)} error={errors.espSettings} />
        </FieldRow>
      )}
      {form.kind === "default" && (
        <Text size={3} color="default2">
          {t("settings.email.defaultText")}
        </Text>
      )}
    </SectionForm>
  );
};

const CopyUrl = ({ name, label, url }: { name: string; label: string; url: string }) => {
  const intl = useIntl();
  const notify = useNotify();
  const copy = () => {
    navigator.clipboard
      .writeText(url)
      .then(() => notify({ status: "info", title: intl.formatMessage({ id: "settings.sms.copied" }, { label }) }))
      .catch(() => notify({ status: "warning", title: intl.formatMessage({ id: "settings.sms.copyFailed" }) }));
  };
  return (
    <Box display="flex" gap={3} alignItems="flex-end" flexWrap="wrap">
      <Box flexGrow="1" __minWidth="280px">
        <TextField name={name} label={label} value={url} onChange={() => undefined} readOnly />
      </Box>
      <Button type="button" variant="secondary" onClick={copy} aria-label={intl.formatMessage({ id: "settings.sms.copy" }, { label })} data-testid={`copy-${name}`}>
        {intl.formatMessage({ id: "settings.sms.copyShort" })}
      </Button>
    </Box>
  );
};

export const SmsSection = ({ provider }: { provider: SmsProvider }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const saves = useSettingsSaves();
  const state = useSection({
    initial: smsForm(provider),
    check: (initial, form) => checkSms(initial, form, provider.hasAuthToken),
    save: saves.smsProvider,
    savedTitle: t("settings.sms.saved"),
  });
  const { form, set, errors } = state;
  return (
    <SectionForm id="sms" title={t("settings.sms.title")} description={t(provider.configured ? "settings.sms.configured" : "settings.sms.notConfigured")} state={state}>
      <FieldRow>
        <TextField name="accountSid" label={t("settings.sms.accountSid")} value={form.accountSid} onChange={(v) => set("accountSid", v)} error={errors.accountSid} />
        <SecretField name="authToken" label={t("settings.sms.authToken")} stored={provider.hasAuthToken} value={form.authToken} onChange={(v) => set("authToken", v)} error={errors.authToken} />
      </FieldRow>
      <FieldRow>
        <TextField name="fromNumber" label={t("settings.sms.fromNumber")} hint={t("settings.sms.fromNumberHint")} value={form.fromNumber} onChange={(v) => set("fromNumber", v)} error={errors.fromNumber} />
        <TextField name="messagingServiceSid" label={t("settings.sms.messagingServiceSid")} value={form.messagingServiceSid} onChange={(v) => set("messagingServiceSid", v)} error={errors.messagingServiceSid} />
        <TextField name="smsMaxPerSecond" label={t("settings.maxPerSecond")} hint={t("settings.maxPerSecondHint")} value={form.maxPerSecond} onChange={(v) => set("maxPerSecond", v)} error={errors.maxPerSecond} />
      </FieldRow>
      <CheckField name="doubleOptIn" label={t("settings.sms.doubleOptIn")} checked={form.doubleOptIn} onChange={(v) => set("doubleOptIn", v)} />
      <Text as="h3" size={5} fontWeight="bold">
        {t("settings.sms.webhooks")}
      </Text>
      <Text size={3} color="default2">
        {t("settings.sms.webhooksText")}
      </Text>
      <CopyUrl name="inboundUrl" label={t("settings.sms.inboundUrl")} url={provider.inboundUrl} />
      <CopyUrl name="statusCallbackUrl" label={t("settings.sms.statusCallbackUrl")} url={provider.statusCallbackUrl} />
    </SectionForm>
  );
};

export const PushSection = ({ push }: { push: PushSettings }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, number>) => intl.formatMessage({ id }, values);
  const saves = useSettingsSaves();
  const state = useSection({
    initial: { subject: push.subject },
    check: (initial, form) => checkPushSubject(initial.subject, form.subject),
    save: saves.pushSettings,
    savedTitle: t("settings.push.saved"),
  });
  return (
    <SectionForm id="push" title={t("settings.push.title")} description={t("settings.push.subscriptions", { count: push.activeSubscriptions })} state={state}>
      <TextField name="subject" label={t("settings.push.subject")} hint={t("settings.push.subjectHint")} value={state.form.subject} onChange={(v) => state.set("subject", v)} error={state.errors.subject} />
      <TextField name="publicKey" label={t("settings.push.publicKey")} hint={t("settings.push.publicKeyHint")} value={push.publicKey} onChange={() => undefined} readOnly />
    </SectionForm>
  );
};
