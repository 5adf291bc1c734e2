import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../components/confirm-dialog";
import { Section } from "../components/section";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { SETTLE_MS } from "./editor";
import { Code } from "./section";
import {
  apiFieldErrors,
  isTextDirty,
  segmentSummary,
  type TextChannel,
  type TextDraft,
  type TextField,
  textDraftOf,
  textProblems,
  textVersionInput,
} from "./text-editor";
import { type FullVersion, type TextPreview, useCreateChannelVersion, useSmsSegments, useTextPreview } from "./use-templates";
import { useSettled } from "./use-settled";

const EMPTY: TextDraft = { title: "", text: "", url: "" };

/** The SMS counter: encoding, characters and segments of the text as typing settled (or, with
 * `rendered`, of the text the example contact gets). */
const SegmentCounter = ({ text, rendered = false }: { text: string; rendered?: boolean }) => {
  const intl = useIntl();
  const testId = rendered ? "sms-segments-rendered" : "sms-segments";
  const settled = useSettled(text, SETTLE_MS);
  const segments = useSmsSegments(settled);
  const current = segments.data && !segments.isPlaceholderData && settled === text;
  if (segments.isError) {
    return (
      <Text as="p" size={2} color="critical1" data-testid={`${testId}-error`}>
        {intl.formatMessage({ id: "templates.sms.segmentsFailed" })}
      </Text>
    );
  }
  if (!segments.data) {
    return (
      <Text as="p" size={2} color="default2">
        {intl.formatMessage({ id: "templates.sms.counting" })}
      </Text>
    );
  }
  const summary = segmentSummary(segments.data);
  const counted = intl.formatMessage({ id: summary.id }, summary.values);
  return (
    <Text as="p" size={2} color={segments.data.count > 1 ? "warning1" : "default2"} data-testid={testId} data-current={current ? "true" : "false"}>
      {rendered ? intl.formatMessage({ id: "templates.sms.segmentsRendered" }, { counted }) : counted}
    </Text>
  );
};

/** The draft rendered for the example contact, as the API renders it when sending. */
const TextPreviewPanel = ({ channel, preview }: { channel: TextChannel; preview: { data?: TextPreview; isPending: boolean; isError: boolean } }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  if (preview.isError) {
    return (
      <Text as="p" size={3} color="critical1">
        {t("templates.textPreview.failed")}
      </Text>
    );
  }
  if (!preview.data) {
    return (
      <Text as="p" size={3} color="default2">
        {t("templates.preview.loading")}
      </Text>
    );
  }
  if (preview.data.errors.length > 0) {
    return (
      <Text as="p" size={3} color="default2" data-testid="text-preview-none">
        {t("templates.preview.none")}
      </Text>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="text-preview">
      {channel === "push" && (
        <Text as="p" size={4} fontWeight="bold" data-testid="text-preview-title">
          {preview.data.title}
        </Text>
      )}
      <Code testId="text-preview-text">{preview.data.text}</Code>
      {channel === "sms" && <SegmentCounter text={preview.data.text} rendered />}
      {channel === "push" && (
        <Text as="p" size={2} color="default2" data-testid="text-preview-url" style={{ overflowWrap: "anywhere" }}>
          {intl.formatMessage({ id: "templates.textPreview.opens" }, { url: preview.data.url })}
        </Text>
      )}
    </Box>
  );
};

/**
 * A new version of an SMS (text, with its segment counter) or push template (title, text, link)
 * from the newest of a language: checked as typed by the rules the API applies, saved through
 * createChannelTemplateVersion; discarding changes asks first.
 */
export const TextVersionEditor = ({
  templateId,
  channel,
  language,
  fromLanguage,
  version,
  onSaved,
  onClose,
}: {
  templateId: string;
  channel: TextChannel;
  language: string;
  /** The newest version of the language, or null for a template's first. */
  version: FullVersion | null;
  /** When the version starts another language: the language `version` is of. */
  fromLanguage?: string;
  onSaved?: (language: string) => void;
  onClose: () => void;
}) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const notifyError = useNotifyError();
  // A new language starts from another's content: nothing of it is saved yet.
  const saved = version && !fromLanguage ? textDraftOf(version) : EMPTY;
  const [draft, setDraft] = useState<TextDraft>(version ? textDraftOf(version) : EMPTY);
  const [touched, setTouched] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const create = useCreateChannelVersion();
  const dirty = isTextDirty(draft, saved, channel);
  const problems = textProblems(channel, draft);
  const settled = useSettled(draft, SETTLE_MS);
  const preview = useTextPreview(channel, textVersionInput(channel, settled));
  // The API's errors of the draft as typed (not of an earlier state of it).
  const current = preview.isSuccess && !preview.isPlaceholderData && !isTextDirty(settled, draft, channel);
  const apiErrors = current ? apiFieldErrors(preview.data.errors) : {};
  const hasApiErrors = current && preview.data.errors.length > 0;
  const changedOrTouched = (field: TextField) => touched || draft[field] !== saved[field];
  const shown = (field: TextField): string | undefined => {
    if (!changedOrTouched(field)) return undefined;
    const problem = problems[field];
    if (problem) return t(problem);
    const errors = apiErrors[field];
    if (!errors) return undefined;
    return errors
      .map(({ message, line }) => (line === null ? message : intl.formatMessage({ id: "templates.textError.atLine" }, { line, message })))
      .join(" ");
  };

  const edit = (field: TextField) => (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    setDraft({ ...draft, [field]: event.target.value });
    setRefusal(null);
  };

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0 || hasApiErrors) return;
    create.mutate(
      { templateId, language, ...textVersionInput(channel, draft) },
      {
        onSuccess: (created) => {
          notify({ status: "success", title: intl.formatMessage({ id: "templates.editor.saved" }, { number: created.number, language: created.language }) });
          onSaved?.(created.language);
          onClose();
        },
        onError: (error) => {
          setRefusal(error instanceof Error ? error.message : String(error));
          notifyError(t("templates.editor.saveFailed"), error);
        },
      },
    );
  };

  const helper = (field: TextField, fallback?: string) => {
    const problem = shown(field);
    if (problem) return problem;
    if (field === "text" && refusal) return refusal;
    return fallback;
  };

  return (
    <>
      <Section
        title={
          version && fromLanguage
            ? intl.formatMessage({ id: "templates.editor.newLanguageTitle" }, { language, number: version.number, from: fromLanguage })
            : version
              ? intl.formatMessage({ id: "templates.editor.title" }, { number: version.number, language })
              : intl.formatMessage({ id: "templates.editor.firstTitle" }, { language })
        }
        testId="text-editor"
        actions={
          <Box display="flex" gap={3}>
            <Button variant="secondary" onClick={() => (dirty ? setConfirmingDiscard(true) : onClose())} disabled={create.isPending} data-testid="editor-close">
              {t(dirty ? "templates.editor.discard" : "templates.editor.close")}
            </Button>
            <Button variant="primary" type="submit" form="text-version-form" disabled={!dirty || create.isPending} data-testid="editor-save">
              {t(create.isPending ? "templates.editor.saving" : "templates.editor.save")}
            </Button>
          </Box>
        }
      >
        <Box as="form" id="text-version-form" display="flex" flexDirection="column" gap={4} onSubmit={save} noValidate>
          {channel === "push" && (
            <Input
              label={t("templates.field.title")}
              value={draft.title}
              onChange={edit("title")}
              error={Boolean(shown("title"))}
              helperText={helper("title")}
              data-testid="editor-title"
            />
          )}
          <Box display="flex" flexDirection="column" gap={1}>
            <Textarea
              label={t("templates.field.text")}
              value={draft.text}
              onChange={edit("text")}
              rows={channel === "sms" ? 5 : 3}
              error={Boolean(shown("text")) || (refusal !== null && !shown("text"))}
              helperText={helper("text", t(channel === "sms" ? "templates.sms.help" : "templates.push.textHelp"))}
              data-testid="editor-text"
            />
            {channel === "sms" && <SegmentCounter text={draft.text} />}
          </Box>
          {channel === "push" && (
            <Input
              label={t("templates.field.pushUrl")}
              value={draft.url}
              onChange={edit("url")}
              error={Boolean(shown("url"))}
              helperText={helper("url", t("templates.push.urlHelp"))}
              data-testid="editor-url"
            />
          )}
        </Box>
      </Section>
      <Section title={t("templates.textPreview.title")} testId="text-preview-section">
        <TextPreviewPanel channel={channel} preview={preview} />
      </Section>
      <ConfirmDialog
        open={confirmingDiscard}
        title={t("templates.editor.discardTitle")}
        description={t(channel === "sms" ? "templates.editor.discardTextSms" : "templates.editor.discardTextPush")}
        confirmLabel={t("templates.editor.discard")}
        tone="error"
        onConfirm={() => {
          setConfirmingDiscard(false);
          onClose();
        }}
        onCancel={() => setConfirmingDiscard(false)}
      />
    </>
  );
};
