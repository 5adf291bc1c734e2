import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useMemo, useRef, useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../components/confirm-dialog";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { draftOf, fieldMessages, isDirty, mergedErrors, saveState, SETTLE_MS } from "./editor";
import { markersFor } from "./markers";
import { MjmlEditor, type MjmlEditorHandle } from "./mjml-editor";
import { ErrorList, PreviewPanel } from "./preview-panel";
import { PreviewContactPicker } from "./preview-contact-picker";
import type { Person } from "./preview-contact";
import { Section } from "../components/section";
import { SendTestForm } from "./send-test";
import { type Content, type FullVersion, useCreateVersion, usePreview, useValidate } from "./use-templates";
import { useSettled } from "./use-settled";

/**
 * A new version of an email template, edited from its newest: subject and preheader with their
 * own errors, the MJML in CodeMirror with the errors of every stage marked at their line and
 * column (and listed), a preview (for the example or a contact) and a test send of the unsaved
 * content, and "Save as new version".
 */
export const TemplateEditor = ({
  templateId,
  language,
  fromLanguage,
  version,
  onSaved,
  onClose,
}: {
  templateId: string;
  /** The language the new version is saved in. */
  language: string;
  /** When the version starts another language: the language `version` is of. */
  fromLanguage?: string;
  version: FullVersion;
  onSaved?: (language: string) => void;
  onClose: () => void;
}) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const notifyError = useNotifyError();
  // A new language starts from another's content: nothing of it is saved yet.
  const saved = fromLanguage ? { subject: "", preheader: "", mjml: "" } : draftOf(version);
  const start = draftOf(version);
  const [draft, setDraft] = useState<Content>(start);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const [contact, setContact] = useState<Person | null>(null);
  const settled = useSettled(draft, SETTLE_MS);
  const validation = useValidate(settled);
  const preview = usePreview(templateId, language, settled, contact?.id ?? null);
  const create = useCreateVersion();
  const checked = validation.isSuccess && !validation.isPlaceholderData ? settled : null;
  const state = saveState({ draft, saved, checked, errors: validation.data });
  const dirty = isDirty(draft, saved);
  // The errors of the settled content: templateValidate's (every stage, the example) and the
  // preview's (for a chosen contact they can differ), each once.
  const errors = useMemo(
    () => mergedErrors(checked ? validation.data : undefined, preview.isSuccess && !preview.isPlaceholderData ? preview.data.errors : undefined),
    [checked, validation.data, preview.isSuccess, preview.isPlaceholderData, preview.data],
  );
  const markers = useMemo(() => markersFor(settled.mjml, errors), [settled.mjml, errors]);
  const checkedAll = checked !== null || (preview.isSuccess && !preview.isPlaceholderData);
  const mjmlEditor = useRef<MjmlEditorHandle>(null);
  const show = (error: (typeof errors)[number]) => {
    const [marker] = markersFor(settled.mjml, [error]);
    if (marker) mjmlEditor.current?.reveal(marker.from, marker.to);
  };
  const subjectErrors = fieldMessages(errors, "subject");
  const preheaderErrors = fieldMessages(errors, "preheader");

  const save = () =>
    create.mutate(
      { templateId, language, ...draft },
      {
        onSuccess: (created) => {
          notify({ status: "success", title: intl.formatMessage({ id: "templates.editor.saved" }, { number: created.number, language: created.language }) });
          onSaved?.(created.language);
          onClose();
        },
        onError: (error) => notifyError(t("templates.editor.saveFailed"), error),
      },
    );

  return (
    <>
      <Section
        title={
          fromLanguage
            ? intl.formatMessage({ id: "templates.editor.newLanguageTitle" }, { language, number: version.number, from: fromLanguage })
            : intl.formatMessage({ id: "templates.editor.title" }, { number: version.number, language })
        }
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
        <Input
          label={t("templates.field.subject")}
          value={draft.subject}
          onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
          error={subjectErrors.length > 0}
          helperText={subjectErrors.join(" ") || undefined}
          data-testid="editor-subject"
        />
        <Input
          label={t("templates.field.preheader")}
          value={draft.preheader}
          onChange={(e) => setDraft({ ...draft, preheader: e.target.value })}
          error={preheaderErrors.length > 0}
          helperText={preheaderErrors.join(" ") || undefined}
          data-testid="editor-preheader"
        />
        <MjmlEditor
          ref={mjmlEditor}
          label={t("templates.field.mjml")}
          help={t("templates.editor.mjmlHelp")}
          value={draft.mjml}
          onChange={(mjml) => setDraft((current) => ({ ...current, mjml }))}
          markers={markers}
          markedValue={checkedAll ? settled.mjml : null}
          testId="editor-mjml"
        />
        <Box display="flex" flexDirection="column" gap={2} aria-live="polite">
          <Text as="p" size={3} color={state === "invalid" ? "critical1" : "default2"} data-testid="editor-state">
            {t(`templates.editor.state.${state}`)}
          </Text>
          {checkedAll && <ErrorList errors={errors} testId="editor-errors" onShow={show} />}
          {validation.isError && (
            <Text as="p" size={3} color="critical1">
              {t("templates.editor.validateFailed")}
            </Text>
          )}
        </Box>
      </Section>
      <Section title={t("templates.editor.previewTitle")} testId="template-preview">
        <PreviewContactPicker chosen={contact} onChoose={setContact} />
        <PreviewPanel preview={preview} showErrors={false} />
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
