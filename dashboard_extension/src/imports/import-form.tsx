/** The new import: what the file holds, the file, and for consents where they come from. */
import { Box, Input, Select, Text } from "@saleor/macaw-ui";
import { useId } from "react";
import { useIntl } from "react-intl";

import { IMPORT_KINDS, type ImportKind, MAX_SOURCE_LENGTH } from "./preview";

export type ImportFormProps = {
  kind: ImportKind;
  source: string;
  sourceError: string | null;
  disabled: boolean;
  onKind: (kind: ImportKind) => void;
  onFile: (file: File | null) => void;
  onSource: (source: string) => void;
};

export const ImportForm = ({ kind, source, sourceError, disabled, onKind, onFile, onSource }: ImportFormProps) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const fileId = useId();
  const fileHelpId = useId();
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Box display="flex" gap={4} flexWrap="wrap" alignItems="flex-start">
        <Box __width="260px">
          <Select
            label={t("imports.kind.label")}
            options={IMPORT_KINDS.map((value) => ({ value, label: t(`imports.kind.${value}`) }))}
            value={kind}
            onChange={(value: string) => onKind(value as ImportKind)}
            disabled={disabled}
            data-testid="import-kind"
          />
        </Box>
        <Box display="flex" flexDirection="column" gap={1}>
          <label htmlFor={fileId}>
            <Text size={3} fontWeight="medium">
              {t("imports.file.label")}
            </Text>
          </label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={fileHelpId}
            disabled={disabled}
            data-testid="import-file"
            onChange={(event) => onFile(event.target.files?.[0] ?? null)}
          />
          <Text size={2} color="default2" id={fileHelpId}>
            {t("imports.file.help")}
          </Text>
        </Box>
      </Box>
      <Text as="p" size={3} color="default2" data-testid="import-kind-help">
        {t(`imports.kind.${kind}.help`)}
      </Text>
      {kind === "consents" && (
        <Box __maxWidth="520px">
          <Input
            label={t("imports.source.label")}
            value={source}
            onChange={(event) => onSource(event.target.value)}
            maxLength={MAX_SOURCE_LENGTH}
            error={Boolean(sourceError)}
            helperText={sourceError ?? t("imports.source.help")}
            disabled={disabled}
            data-testid="import-source"
          />
        </Box>
      )}
    </Box>
  );
};
