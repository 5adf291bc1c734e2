/** The preview: how each column is read, the first rows as read (errors in their cells),
 * every row error the app found, and the counts. */
import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { cellStyle, DataTable } from "../components/data-table";
import { columnTarget, type Preview, previewCells, rowLevelErrors } from "./preview";

export const cell = cellStyle({ compact: true, align: "top" });
const ERROR_COLUMNS = ["row", "column", "message"] as const;

export const RowErrorsTable = ({ errors, testId, caption }: { errors: { row: number; column: string; message: string }[]; testId: string; caption: string }) => {
  const intl = useIntl();
  return (
    <DataTable testId={testId} caption={caption} columns={ERROR_COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `imports.errors.column.${column}` }) }))} compact align="top">
      {errors.map((error, index) => (
        <tr key={`${error.row}-${error.column}-${index}`} data-testid="row-error" data-row={error.row}>
          <Box as="td" {...cell}>
            <Text size={3}>{intl.formatNumber(error.row)}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3}>{error.column}</Text>
          </Box>
          <Box as="td" {...cell}>
            <Text size={3} color="critical1">
              {error.message}
            </Text>
          </Box>
        </tr>
      ))}
    </DataTable>
  );
};

export const PreviewView = ({ preview, fileName }: { preview: Preview; fileName: string }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  return (
    <Box display="flex" flexDirection="column" gap={5}>
      <Text as="p" size={4} data-testid="preview-summary">
        {t("imports.preview.summary", {
          fileName,
          total: preview.total,
          valid: preview.valid,
          invalid: preview.invalid,
          delimiter: preview.delimiter,
        })}
      </Text>

      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h3" size={5} fontWeight="bold">
          {t("imports.preview.columns")}
        </Text>
        <Box as="ul" display="flex" flexDirection="column" gap={1} paddingLeft={0} margin={0} style={{ listStyle: "none" }} data-testid="preview-columns">
          {preview.columns.map((column, index) => {
            const target = columnTarget(column);
            const label =
              target.type === "field"
                ? t(`imports.field.${target.field}`)
                : target.type === "attribute"
                  ? t("imports.preview.attribute", { key: target.key })
                  : t("imports.preview.ignored");
            return (
              <Box as="li" key={`${column.header}-${index}`} data-testid="preview-column" data-target={target.type}>
                <Text size={3}>
                  <Text size={3} fontWeight="medium">
                    {column.header || t("imports.preview.noHeader")}
                  </Text>
                  {" → "}
                  {label}
                </Text>
              </Box>
            );
          })}
        </Box>
      </Box>

      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h3" size={5} fontWeight="bold">
          {t("imports.preview.rows", { count: preview.rows.length })}
        </Text>
        <Box overflowX="auto">
          <Box as="table" width="100%" __borderCollapse="collapse" data-testid="preview-rows">
            <thead>
              <tr>
                <Box as="th" textAlign="left" {...cell}>
                  <Text size={2} color="default2" fontWeight="medium">
                    {t("imports.errors.column.row")}
                  </Text>
                </Box>
                {preview.columns.map((column, index) => (
                  <Box as="th" key={`${column.header}-${index}`} textAlign="left" {...cell}>
                    <Text size={2} color="default2" fontWeight="medium">
                      {column.header}
                    </Text>
                  </Box>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => {
                const extra = rowLevelErrors(preview, row);
                return (
                  <tr key={row.row} data-testid="preview-row" data-row={row.row} data-valid={row.errors.length === 0 ? "true" : "false"}>
                    <Box as="th" scope="row" textAlign="left" {...cell}>
                      <Text size={3}>{intl.formatNumber(row.row)}</Text>
                      {extra.map((message) => (
                        <Text as="p" key={message} size={2} color="critical1">
                          {message}
                        </Text>
                      ))}
                    </Box>
                    {previewCells(preview, row).map((item, index) => (
                      <Box as="td" key={`${item.header}-${index}`} {...cell} data-testid="preview-cell" data-error={item.error ? "true" : "false"}>
                        {item.error ? (
                          <Text size={2} color="critical1" fontWeight="medium">
                            {item.error}
                          </Text>
                        ) : (
                          <Text size={3}>{item.value}</Text>
                        )}
                      </Box>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </Box>
        </Box>
      </Box>

      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h3" size={5} fontWeight="bold">
          {t("imports.preview.errors", { count: preview.errorCount })}
        </Text>
        {preview.errorCount === 0 ? (
          <Text size={3} data-testid="preview-no-errors">
            {t("imports.preview.noErrors")}
          </Text>
        ) : (
          <>
            <RowErrorsTable errors={preview.errors} testId="preview-errors" caption={t("imports.preview.errors", { count: preview.errorCount })} />
            {preview.errorCount > preview.errors.length && (
              <Text size={2} color="default2">
                {t("imports.preview.moreErrors", { shown: preview.errors.length, count: preview.errorCount })}
              </Text>
            )}
          </>
        )}
      </Box>
    </Box>
  );
};
