import { Box, Button, Input, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { ModalCard } from "../components/modal-card";
import { useNotify } from "../hooks/use-notify";
import { GraphQLRequestError } from "../lib/graphql";
import { pathFor } from "../lib/routes";
import { type ChannelField, type ChannelForm, channelFormProblems, channelRefusalField, keyFromName } from "./channel-create";
import { useCreateChannelTemplate } from "./use-templates";

/**
 * "New SMS template" / "New push template": a name, the key journeys name it by (proposed from
 * the name until the admin changes it) and a kind; checked before the call, a refusal at its
 * field. The new template's page opens, where its first version is written.
 */
export const ChannelTemplateDialog = ({ channel, onClose }: { channel: "sms" | "push"; onClose: () => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const notify = useNotify();
  const navigate = useNavigate();
  const create = useCreateChannelTemplate();
  const [form, setForm] = useState<ChannelForm>({ name: "", key: "", kind: "marketing" });
  const [keyEdited, setKeyEdited] = useState(false);
  const [problems, setProblems] = useState<Partial<Record<ChannelField, string>>>({});
  const [refusal, setRefusal] = useState<{ field: ChannelField | "form"; message: string } | null>(null);

  const change = (next: Partial<ChannelForm>, field?: ChannelField) => {
    setForm((current) => ({ ...current, ...next }));
    if (field) {
      setProblems((current) => ({ ...current, [field]: undefined }));
      if (refusal?.field === field || refusal?.field === "form") setRefusal(null);
    }
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = channelFormProblems(form);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      { channel: channel.toUpperCase(), name: form.name.trim(), key: form.key.trim(), kind: form.kind },
      {
        onSuccess: (saved) => {
          notify({ status: "success", title: t("templates.create.done", { name: saved.name }) });
          onClose();
          navigate(pathFor({ name: "template", templateId: saved.id }));
        },
        onError: (error) => {
          const field = error instanceof GraphQLRequestError ? channelRefusalField(error.failure.code) : null;
          setRefusal({ field: field ?? "form", message: error instanceof Error ? error.message : String(error) });
        },
      },
    );
  };

  const errorOf = (field: ChannelField) => {
    const message = problems[field] ? t(problems[field] as string) : refusal?.field === field ? refusal.message : undefined;
    return message ? { error: true, helperText: message } : {};
  };

  return (
    <ModalCard open title={t(`templates.createChannel.title.${channel}`)} onClose={onClose} cardTestId="create-channel-template-dialog">
      <Box as="form" display="flex" flexDirection="column" gap={4} onSubmit={submit} noValidate>
        <Input
          label={t("templates.field.name")}
          value={form.name}
          onChange={(e) => change({ name: e.target.value, ...(keyEdited ? {} : { key: keyFromName(e.target.value) }) }, "name")}
          {...errorOf("name")}
        />
        <Input
          label={t("templates.field.key")}
          value={form.key}
          onChange={(e) => {
            setKeyEdited(true);
            change({ key: e.target.value }, "key");
          }}
          helperText={t("templates.createChannel.keyHelp")}
          {...errorOf("key")}
        />
        <Select
          label={t("templates.field.kind")}
          options={(["marketing", "transactional"] as const).map((value) => ({ value, label: t(`templates.kind.${value}`) }))}
          value={form.kind}
          onChange={(value: string) => change({ kind: value as ChannelForm["kind"] })}
        />
        {refusal?.field === "form" && (
          <Text as="p" role="alert" size={3} color="critical1">
            {refusal.message}
          </Text>
        )}
        <Box display="flex" justifyContent="flex-end" gap={3}>
          <Button type="button" variant="secondary" onClick={onClose} disabled={create.isPending}>
            {t("shell.confirm.cancel")}
          </Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {t("templates.create.submit")}
          </Button>
        </Box>
      </Box>
    </ModalCard>
  );
};
