import { Box, Button, Text } from "@saleor/macaw-ui";
import { useMemo, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { VisuallyHidden } from "../components/visually-hidden";
import { formatDate } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { channelMessageId, groupByChannel, kindMessageId, latestPerLanguage, type TemplateRow } from "./list";
import { ChannelTemplateDialog } from "./channel-template-dialog";
import { CopyTemplateDialog, CreateTemplateDialog, RenameTemplateDialog } from "./template-dialogs";
import { type TemplateUse, templateUsage, useMessageId, usesOf } from "./usage";
import { useTemplates, useTemplateUsage } from "./use-templates";

const cell = cellStyle({ align: "top" });
const COLUMNS = ["name", "kind", "languages", "latest", "journeys", "actions"] as const;

type Dialog = { type: "create" } | { type: "createChannel"; channel: "sms" | "push" } | { type: "copy"; template: TemplateRow } | { type: "rename"; template: TemplateRow } | null;

const Usage = ({ uses, state }: { uses: TemplateUse[]; state: "pending" | "error" | "success" }) => {
  const intl = useIntl();
  if (state !== "success") {
    return <Text size={3} color="default2">{intl.formatMessage({ id: state === "pending" ? "templates.usage.loading" : "templates.usage.failed" })}</Text>;
  }
  if (uses.length === 0) return <Text size={3} color="default2">{intl.formatMessage({ id: "templates.usage.none" })}</Text>;
  return (
    <Box as="ul" display="flex" flexDirection="column" gap={1} margin={0} padding={0} style={{ listStyle: "none" }}>
      {uses.map((use) => (
        <li key={use.journeyId}>
          <AppLink to={pathFor({ name: "journey", journeyId: use.journeyId })}>
            <Text size={3}>{use.journeyName}</Text>
          </AppLink>{" "}
          <Text size={2} color="default2">
            {intl.formatMessage({ id: useMessageId(use) })}
          </Text>
        </li>
      ))}
    </Box>
  );
};

const TemplateTable = ({
  rows,
  usage,
  usageState,
  onDialog,
}: {
  rows: TemplateRow[];
  usage: Map<string, TemplateUse[]>;
  usageState: "pending" | "error" | "success";
  onDialog: (dialog: Dialog) => void;
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <DataTable columns={COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `templates.list.column.${column}` }) }))} align="top">
      {rows.map((template) => {
        const latest = latestPerLanguage(template.versions, template.defaultLanguage);
        return (
          <tr key={template.id} data-testid="template-row" data-template-key={template.key}>
            <Box as="th" scope="row" textAlign="left" {...cell}>
              <Box display="flex" flexDirection="column" gap={1}>
                <AppLink to={pathFor({ name: "template", templateId: template.id })} data-testid="template-link">
                  <Text size={4} fontWeight="medium">
                    {template.name}
                  </Text>
                </AppLink>
                <Text size={2} color="default2">
                  {template.key}
                  {template.isBuiltin ? ` · ${intl.formatMessage({ id: "templates.builtin" })}` : ""}
                </Text>
              </Box>
            </Box>
            <Box as="td" {...cell} data-testid="template-kind">
              <Text size={3}>{intl.formatMessage({ id: kindMessageId(template.kind) })}</Text>
            </Box>
            <Box as="td" {...cell} data-testid="template-languages">
              <Text size={3}>{template.languages.join(", ") || "–"}</Text>
            </Box>
            <Box as="td" {...cell} data-testid="template-latest">
              {latest.length === 0 ? (
                <Text size={3}>–</Text>
              ) : (
                latest.map((version) => (
                  <Text as="p" size={3} key={version.language}>
                    {intl.formatMessage(
                      { id: "templates.list.latest" },
                      { language: version.language, number: version.number, date: formatDate(version.createdAt, locale) },
                    )}
                  </Text>
                ))
              )}
            </Box>
            <Box as="td" {...cell} data-testid="template-journeys">
              <Usage uses={usesOf(usage, template)} state={usageState} />
            </Box>
            <Box as="td" {...cell}>
              <Box display="flex" gap={2} flexWrap="wrap">
                <Button
                  variant="secondary"
                  size="small"
                  onClick={() => onDialog({ type: "copy", template })}
                  aria-label={intl.formatMessage({ id: "templates.copy.label" }, { name: template.name })}
                  data-testid="template-copy"
                >
                  {intl.formatMessage({ id: "templates.copy.button" })}
                </Button>
                <Button
                  variant="secondary"
                  size="small"
                  onClick={() => onDialog({ type: "rename", template })}
                  aria-label={intl.formatMessage({ id: "templates.rename.label" }, { name: template.name })}
                  data-testid="template-rename"
                >
                  {intl.formatMessage({ id: "templates.rename.button" })}
                </Button>
              </Box>
            </Box>
          </tr>
        );
      })}
    </DataTable>
  );
};

/** `/templates`: the shop's templates per channel, the journeys using them, new/copy/rename. */
export const TemplatesListView = () => {
  const intl = useIntl();
  const templates = useTemplates();
  const journeys = useTemplateUsage();
  const usage = useMemo(() => templateUsage(journeys.data ?? []), [journeys.data]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const groups = groupByChannel(templates.data ?? []);

  return (
    <>
      <PageTitle
        actions={
          <Button variant="primary" onClick={() => setDialog({ type: "create" })} disabled={!templates.isSuccess} data-testid="new-template">
            {intl.formatMessage({ id: "templates.create.button" })}
          </Button>
        }
      >
        {intl.formatMessage({ id: "templates.title" })}
      </PageTitle>
      {templates.isPending && <LoadingState label={intl.formatMessage({ id: "templates.loading" })} />}
      {templates.isError && <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />}
      {templates.isSuccess &&
        groups.map((group) => (
          <Box as="section" key={group.channel} display="flex" flexDirection="column" gap={3} data-testid={`templates-${group.channel}`} aria-labelledby={`templates-${group.channel}-title`}>
            <Box display="flex" justifyContent="space-between" alignItems="center" gap={3}>
              <Text as="h2" size={7} fontWeight="bold" id={`templates-${group.channel}-title`}>
                {intl.formatMessage({ id: channelMessageId(group.channel) })}
                <VisuallyHidden>{` (${group.templates.length})`}</VisuallyHidden>
              </Text>
              {(group.channel === "sms" || group.channel === "push") && (
                <Button variant="secondary" onClick={() => setDialog({ type: "createChannel", channel: group.channel as "sms" | "push" })}>
                  {intl.formatMessage({ id: `templates.createChannel.button.${group.channel}` })}
                </Button>
              )}
            </Box>
            {group.templates.length === 0 ? (
              <Text as="p" size={3} color="default2" data-testid="templates-empty">
                <FormattedMessage id={`templates.empty.${group.channel}`} />
              </Text>
            ) : (
              <TemplateTable rows={group.templates} usage={usage} usageState={journeys.status} onDialog={setDialog} />
            )}
          </Box>
        ))}
      {dialog?.type === "create" && <CreateTemplateDialog templates={templates.data ?? []} onClose={() => setDialog(null)} />}
      {dialog?.type === "createChannel" && <ChannelTemplateDialog channel={dialog.channel} onClose={() => setDialog(null)} />}
      {dialog?.type === "copy" && <CopyTemplateDialog template={dialog.template} onClose={() => setDialog(null)} />}
      {dialog?.type === "rename" && <RenameTemplateDialog template={dialog.template} onClose={() => setDialog(null)} />}
    </>
  );
};
