import { Box, Button, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { formatDateTime } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { shownLanguage } from "./detail";
import { kindMessageId, versionsOf } from "./list";
import { PreviewPanel } from "./preview-panel";
import type { Person } from "./preview-contact";
import { PreviewContactPicker } from "./preview-contact-picker";
import { Fact, Section } from "../components/section";
import { Code } from "./section";
import { SendTestForm } from "./send-test";
import { TemplateEditor } from "./template-editor";
import { TextVersionEditor } from "./text-version-editor";
import { AddLanguage } from "./add-language";
import { type FullVersion, type TemplateDetail, usePreview, useTemplate } from "./use-templates";

const cell = { paddingY: 2, paddingX: 2, borderBottomStyle: "solid", borderBottomWidth: 1, borderColor: "default1" } as const;

const VersionHistory = ({ versions }: { versions: FullVersion[] }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <Box as="table" width="100%" __borderCollapse="collapse" data-testid="version-history">
      <thead>
        <tr>
          {["number", "created", "subject"].map((column) => (
            <Box as="th" key={column} textAlign="left" {...cell}>
              <Text size={2} color="default2" fontWeight="medium">
                {intl.formatMessage({ id: `templates.versions.column.${column}` })}
              </Text>
            </Box>
          ))}
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.id} data-testid="version-row">
            <Box as="th" scope="row" textAlign="left" {...cell}>
              <Text size={3}>{version.number}</Text>
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{formatDateTime(version.createdAt, locale)}</Text>
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{version.subject || "–"}</Text>
            </Box>
          </tr>
        ))}
      </tbody>
    </Box>
  );
};

/** The newest version of a language as it is stored (read-only). */
const LatestVersion = ({ template, version }: { template: TemplateDetail; version: FullVersion }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  if (template.channel !== "email") {
    return (
      <Box display="flex" flexDirection="column" gap={4}>
        {template.channel === "push" && (
          <Fact label={t("templates.field.title")} testId="latest-title">
            <Text size={3}>{version.subject || "–"}</Text>
          </Fact>
        )}
        <Fact label={t("templates.field.text")} testId="latest-text">
          <Code testId="latest-text-body">{version.text}</Code>
        </Fact>
        {template.channel === "push" && (
          <Fact label={t("templates.field.pushUrl")} testId="latest-url">
            <Text size={3}>{version.pushUrl || "–"}</Text>
          </Fact>
        )}
      </Box>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Fact label={t("templates.field.subject")} testId="latest-subject">
        <Text size={3}>{version.subject}</Text>
      </Fact>
      <Fact label={t("templates.field.preheader")} testId="latest-preheader">
        <Text size={3}>{version.preheader || "–"}</Text>
      </Fact>
      <Fact label={t("templates.field.mjml")} testId="latest-mjml">
        <Code testId="latest-mjml-source">{version.mjml}</Code>
      </Fact>
    </Box>
  );
};

const EmailPreview = ({ templateId, language }: { templateId: string; language: string }) => {
  const [contact, setContact] = useState<Person | null>(null);
  const preview = usePreview(templateId, language, null, contact?.id ?? null);
  return (
    <>
      <PreviewContactPicker chosen={contact} onChoose={setContact} />
      <PreviewPanel preview={preview} />
    </>
  );
};

/** `/templates/:templateId`: a template's versions per language, the latest's preview, a test send. */
export const TemplateView = ({ templateId }: { templateId: string }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const locale = useAppLocale();
  const query = useTemplate(templateId);
  const [params, setParams] = useSearchParams();
  /** The language a new version is being written in (another than the shown one: a new language, from the shown one's newest). */
  const [editing, setEditing] = useState<string | null>(null);
  const back = (
    <AppLink to={pathFor({ name: "templates" })} data-testid="back-to-templates">
      <Text size={3}>{t("templates.detail.back")}</Text>
    </AppLink>
  );

  if (query.isPending) return <LoadingState label={t("templates.detail.loading")} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const template = query.data;
  if (!template) {
    return (
      <StatusCard tone="critical" testId="template-missing">
        <Text as="h1" size={7} fontWeight="bold">
          {t("templates.detail.missing")}
        </Text>
        {back}
      </StatusCard>
    );
  }

  const language = shownLanguage(template, params.get("language"));
  const saved = (created: string) => setParams({ language: created }, { replace: true });
  const versions = versionsOf(template.versions, language);
  const latest = versions[0];

  return (
    <>
      <PageTitle actions={back}>{template.name}</PageTitle>
      <Text as="p" size={3} color="default2" data-testid="template-meta">
        {intl.formatMessage(
          { id: "templates.detail.meta" },
          { key: template.key, kind: t(kindMessageId(template.kind)), channel: t(`templates.channel.${template.channel}`) },
        )}
      </Text>
      {template.description && (
        <Text as="p" size={3}>
          {template.description}
        </Text>
      )}
      {!editing && (
        <Box display="flex" gap={3} alignItems="flex-end" flexWrap="wrap">
          {template.languages.length > 1 && (
            <Box __width="240px">
              <Select
                label={t("templates.detail.language")}
                options={template.languages.map((code) => ({ value: code, label: code }))}
                value={language}
                onChange={(value: string) => setParams({ language: value }, { replace: true })}
                data-testid="template-language"
              />
            </Box>
          )}
          {latest && <AddLanguage existing={template.languages} from={language} onStart={setEditing} />}
        </Box>
      )}
      {editing !== null && (template.channel === "sms" || template.channel === "push") ? (
        <TextVersionEditor
          key={editing}
          templateId={template.id}
          channel={template.channel}
          language={editing}
          fromLanguage={editing === language ? undefined : language}
          version={latest ?? null}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      ) : editing !== null && template.channel === "email" && latest ? (
        <TemplateEditor
          key={editing}
          templateId={template.id}
          language={editing}
          fromLanguage={editing === language ? undefined : language}
          version={latest}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      ) : !latest ? (
        <Box display="flex" flexDirection="column" gap={3} alignItems="flex-start">
          <Text as="p" size={3}>
            {t("templates.detail.noVersions")}
          </Text>
          {(template.channel === "sms" || template.channel === "push") && (
            <Button variant="primary" onClick={() => setEditing(language)} data-testid="write-first-version">
              {t("templates.editor.writeFirst")}
            </Button>
          )}
        </Box>
      ) : (
        <>
          <Section
            title={intl.formatMessage({ id: "templates.detail.latest" }, { number: latest.number, language, date: formatDateTime(latest.createdAt, locale) })}
            testId="latest-version"
            actions={
              <Button variant="secondary" onClick={() => setEditing(language)} data-testid="edit-template">
                {t("templates.editor.open")}
              </Button>
            }
          >
            <LatestVersion template={template} version={latest} />
          </Section>
          {template.channel === "email" && (
            <>
              <Section title={t("templates.preview.title")} testId="template-preview">
                <EmailPreview templateId={template.id} language={language} />
              </Section>
              <Section title={t("templates.test.title")} testId="template-test">
                <SendTestForm templateId={template.id} language={language} content={null} />
              </Section>
            </>
          )}
          <Section title={intl.formatMessage({ id: "templates.versions.title" }, { language })} testId="template-versions">
            <VersionHistory versions={versions} />
          </Section>
        </>
      )}
    </>
  );
};
