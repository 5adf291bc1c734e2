/** The shop's API keys: the list (name, visible prefix, made, last used, live or revoked), a
 * new key made with a name and shown whole ONCE with the attributes endpoint's curl example,
 * and a key revoked after a confirmation. */
import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { type FormEvent, useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { cellStyle, DataTable } from "../../components/data-table";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { ModalCard } from "../../components/modal-card";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { formatDateTime } from "../../lib/format";
import { useAppLocale } from "../../providers/locale-provider";
import { type ApiKey, apiKeyStatus, attributesCurl, checkApiKeyName, type CreatedApiKey, maskedKey, sortApiKeys } from "../api-keys";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "../use-api-keys";

const MONO = '"Geist Mono", ui-monospace, monospace';
const COLUMNS = ["name", "key", "created", "lastUsed", "status", "actions"] as const;

const useT = () => {
  const intl = useIntl();
  return (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
};

/** Copies `text`, saying so (or that the browser refused) in a Dashboard notification; the
 * button names what it copies ("Copy key", "Copy command"). */
const CopyButton = ({ text, label, button, testId }: { text: string; label: string; button: string; testId: string }) => {
  const t = useT();
  const notify = useNotify();
  const copy = () => {
    navigator.clipboard
      .writeText(text)
      .then(() => notify({ status: "info", title: t("settings.apiKeys.copied", { label }) }))
      .catch(() => notify({ status: "warning", title: t("settings.apiKeys.copyFailed") }));
  };
  return (
    <Button type="button" variant="secondary" onClick={copy} data-testid={testId}>
      {button}
    </Button>
  );
};

const CodeBlock = ({ text, testId, label }: { text: string; testId: string; label: string }) => (
  <Box
    as="pre"
    aria-label={label}
    margin={0}
    padding={3}
    borderRadius={3}
    backgroundColor="default1Hovered"
    overflowX="auto"
    data-testid={testId}
    style={{ fontFamily: MONO, fontSize: 12, whiteSpace: "pre", userSelect: "all" }}
  >
    {text}
  </Box>
);

/** The new key, this once: closing the dialog forgets it. */
const CreatedDialog = ({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) => {
  const t = useT();
  const curl = created ? attributesCurl(window.location.origin, created.installationId, created.key) : "";
  return (
    <ModalCard open={created !== null} title={t("settings.apiKeys.createdTitle", { name: created?.apiKey.name ?? "" })} onClose={onClose} maxWidth="720px" cardTestId="api-key-created">
      {created && (
        <>
          <Box role="alert" padding={3} borderRadius={3} borderStyle="solid" borderWidth={1} borderColor="critical1" data-testid="api-key-once-warning">
            <Text size={3} fontWeight="medium">
              {t("settings.apiKeys.onceWarning")}
            </Text>
          </Box>
          <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
            <Box flexGrow="1" __minWidth="280px">
              <CodeBlock text={created.key} testId="api-key-secret" label={t("settings.apiKeys.theKey")} />
            </Box>
            <CopyButton text={created.key} label={t("settings.apiKeys.theKey")} button={t("settings.apiKeys.copyKey")} testId="api-key-copy" />
          </Box>
          <Text as="p" size={3} color="default2">
            {t("settings.apiKeys.curlIntro", { id: created.installationId })}
          </Text>
          <CodeBlock text={curl} testId="api-key-curl" label={t("settings.apiKeys.curl")} />
          <Box display="flex" justifyContent="space-between" gap={3} flexWrap="wrap">
            <CopyButton text={curl} label={t("settings.apiKeys.curl")} button={t("settings.apiKeys.copyCurl")} testId="api-key-copy-curl" />
            <Button variant="primary" onClick={onClose} data-testid="api-key-done">
              {t("settings.apiKeys.done")}
            </Button>
          </Box>
        </>
      )}
    </ModalCard>
  );
};

const NewKey = ({ onCreated }: { onCreated: (created: CreatedApiKey) => void }) => {
  const t = useT();
  const create = useCreateApiKey();
  const notifyError = useNotifyError();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkApiKeyName(name);
    if (!checked.ok) {
      setError(t(`settings.apiKeys.name.${checked.error}`));
      return;
    }
    setError(null);
    create.mutate(checked.name, {
      onSuccess: (created) => {
        setName("");
        onCreated(created);
      },
      onError: (failure) => notifyError(t("settings.apiKeys.createFailed"), failure),
    });
  };
  return (
    <Box as="form" onSubmit={submit} noValidate display="flex" gap={3} alignItems="flex-start" flexWrap="wrap" data-testid="api-key-new">
      <Box flexGrow="1" __minWidth="280px" __maxWidth="480px">
        <Input
          label={t("settings.apiKeys.name")}
          value={name}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          error={error !== null}
          helperText={error ?? t("settings.apiKeys.nameHint")}
          aria-invalid={error !== null}
          data-testid="api-key-name"
        />
      </Box>
      {/* Level with the input (52px high), above its helper text. */}
      <Box __paddingTop="10px">
        <Button type="submit" variant="primary" disabled={create.isPending} data-testid="api-key-create">
          {t("settings.apiKeys.create")}
        </Button>
      </Box>
    </Box>
  );
};

const KeyRow = ({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: (key: ApiKey) => void }) => {
  const t = useT();
  const locale = useAppLocale();
  const cell = cellStyle({ compact: true, align: "middle" });
  const status = apiKeyStatus(apiKey);
  return (
    <tr data-testid="api-key-row" data-prefix={apiKey.prefix} data-status={status}>
      <Box as="td" {...cell}>
        <Text size={3} fontWeight="medium">
          {apiKey.name}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3} data-testid="api-key-prefix" style={{ fontFamily: MONO }}>
          {maskedKey(apiKey.prefix)}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3}>{formatDateTime(apiKey.createdAt, locale)}</Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3} color={apiKey.lastUsedAt ? "default1" : "default2"}>
          {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt, locale) : t("settings.apiKeys.neverUsed")}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3} color={status === "revoked" ? "critical1" : "default1"} data-testid="api-key-status">
          {status === "revoked" && apiKey.revokedAt
            ? t("settings.apiKeys.status.revokedAt", { at: formatDateTime(apiKey.revokedAt, locale) })
            : t(`settings.apiKeys.status.${status}`)}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        {status !== "revoked" && (
          <Button variant="error" size="small" onClick={() => onRevoke(apiKey)} aria-label={t("settings.apiKeys.revokeOf", { name: apiKey.name })} data-testid="api-key-revoke">
            {t("settings.apiKeys.revoke")}
          </Button>
        )}
      </Box>
    </tr>
  );
};

export const ApiKeysSection = () => {
  const t = useT();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const confirmRevoke = () => {
    if (!revoking) return;
    revoke.mutate(revoking.id, {
      onSuccess: (key) => {
        notify({ status: "success", title: t("settings.apiKeys.revoked", { name: key.name }) });
        setRevoking(null);
      },
      onError: (failure) => {
        notifyError(t("settings.apiKeys.revokeFailed"), failure);
        setRevoking(null);
      },
    });
  };
  return (
    <Box as="section" aria-labelledby="settings-api-keys-heading" display="flex" flexDirection="column" gap={4} data-testid="settings-section-api-keys">
      <Text as="h2" id="settings-api-keys-heading" size={7} fontWeight="bold">
        {t("settings.apiKeys.title")}
      </Text>
      <Text as="p" size={3} color="default2">
        {t("settings.apiKeys.text")}
      </Text>
      {keys.isPending && <LoadingState label={t("settings.apiKeys.loading")} />}
      {keys.isError && <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.data && keys.data.length === 0 && (
        <Text as="p" size={3} data-testid="api-keys-empty">
          {t("settings.apiKeys.empty")}
        </Text>
      )}
      {keys.data && keys.data.length > 0 && (
        <DataTable testId="api-keys-table" compact align="middle" columns={COLUMNS.map((key) => ({ key, label: t(`settings.apiKeys.column.${key}`) }))}>
          {sortApiKeys(keys.data).map((apiKey) => (
            <KeyRow key={apiKey.id} apiKey={apiKey} onRevoke={setRevoking} />
          ))}
        </DataTable>
      )}
      <NewKey onCreated={setCreated} />
      <CreatedDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking !== null}
        tone="error"
        title={t("settings.apiKeys.revokeTitle", { name: revoking?.name ?? "" })}
        description={t("settings.apiKeys.revokeText", { key: revoking ? maskedKey(revoking.prefix) : "" })}
        confirmLabel={t("settings.apiKeys.revoke")}
        busy={revoke.isPending}
        onConfirm={confirmRevoke}
        onCancel={() => setRevoking(null)}
      />
    </Box>
  );
};
