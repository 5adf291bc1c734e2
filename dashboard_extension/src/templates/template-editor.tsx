import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../components/confirm-dialog";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { draftOf, isDirty, saveState, SETTLE_MS } from "./editor";
import { ErrorList, PreviewPanel } from "./preview-panel";
import { Section } from "../components/section";
import { SendTestForm } from "./send-test";
import { type Content, type FullVersion, useCreateVersion, usePreview, useValidate } from "./use-templates";

/** `value` once it has not changed for `ms`. */
const useSettled = <T,>(value: T, ms: number): T => {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
};

/**
 * A new version of an email template, edited from its newest: subject, preheader and MJML in
 * plain fields, the errors of every stage by line and column, a preview and a test send of the
 * unsaved content, and "Save as new version".
 */
export const TemplateEditor = ({ templateId, language, version, onClose }: { templateId: string; language: string; version: FullVersion; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const notifyError = useNotifyError();
  const saved = draftOf(version);
  const [draft, setDraft] = useState<Content>(saved);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const settled = useSettled(draft, SETTLE_MS);
  const validation = useValidate(settled);
  const preview = usePreview(templateId, language, settled);
  const create = useCreateVersion();
  const checked = validation.isSuccess && !validation.isPlaceholderData ? settled : null;
  const state = saveState({ draft, saved, checked, errors: validation.data });
  const dirty = isDirty(draft, saved);

  const save = () =>
    create.mutate(
      { templateId, language, ...draft },
      {
        onSuccess: (created) => {
          notify({ status: "success", title: intl.formatMessage({ id: "templates.editor.saved" }, { number: created.number, language: created.language }) });
          onClose();
        },
        onError: (error) => notifyError(t("templates.editor.saveFailed"), error),
      },
    );

  return (
    <>
      <Section
        title={intl.formatMessage({ id: "templates.editor.title" }, { number: version.number, language })}
        testId="template-editor"
        actions={
          <Box display="flex" gap={3}>
            <Button variant="secondary" onClick={() => (dirty ? setConfirmingDiscard(true) : onClose())} disabled={create.isPending} data-testid="editor-close">
              {t(dirty ? "templates.editor.discard" : "templates.editor.close")}
            </Button>
            <Button variant="primary" onClick={save} disabled={state !== "ready" || create.isPending} data-testid="editor-save">
              {t(create.isPending ? "templates.editor.saving" : "templates.editor.save")}
            </Button>
          </Box>
        }
      >
        <Input label={t("templates.field.subject")} value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} data-testid="editor-subject" />
        <Input label={t("templates.field.preheader")} value={draft.preheader} onChange={(e) => setDraft({ ...draft, preheader: e.target.value })} data-testid="editor-preheader" />
        <Textarea
          label={t("templates.field.mjml")}
          value={draft.mjml}
          onChange={(e) => setDraft({ ...draft, mjml: e.target.value })}
          rows={20}
          spellCheck={false}
          data-testid="editor-mjml"
        />
        <Box display="flex" flexDirection="column" gap={2} aria-live="polite">
          <Text as="p" size={3} color={state === "invalid" ? "critical1" : "default2"} data-testid="editor-state">
            {t(`templates.editor.state.${state}`)}
          </Text>
          {checked && validation.data && <ErrorList errors={validation.data} testId="editor-errors" />}
          {validation.isError && (
            <Text as="p" size={3} color="critical1">
              {t("templates.editor.validateFailed")}
            </Text>
          )}
        </Box>
      </Section>
      <Section title={t("templates.editor.previewTitle")} testId="template-preview">
        <PreviewPanel preview={preview} />
      </Section>
      <Section title={t("templates.test.title")} testId="template-test">
        <SendTestForm templateId={templateId} language={language} content={dirty ? settled : null} />
      </Section>
      <ConfirmDialog
        open={confirmingDiscard}
        title={t("templates.editor.discardTitle")}
        description={t("templates.editor.discardText")}
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
