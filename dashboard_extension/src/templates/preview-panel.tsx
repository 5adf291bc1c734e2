import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Code } from "./section";
import { locationOf, PREVIEW_WIDTHS, type PreviewWidth, sortedErrors } from "./detail";
import type { Preview, TemplateError } from "./use-templates";

/** The staged errors of a version or of unsaved content, each with its field and place. */
export const ErrorList = ({ errors, testId, onShow }: { errors: TemplateError[]; testId: string; onShow?: (error: TemplateError) => void }) => {
  const intl = useIntl();
  if (errors.length === 0) return null;
  return (
    <Box as="ul" role="alert" display="flex" flexDirection="column" gap={1} margin={0} paddingLeft={4} data-testid={testId}>
      {sortedErrors(errors).map((error, index) => {
        const where = locationOf(error);
        return (
          <li key={index}>
            <Text size={3} color="critical1">
              {intl.formatMessage(
                { id: "templates.error.item" },
                {
                  field: intl.formatMessage({ id: `templates.field.${error.field === "subject" || error.field === "preheader" ? error.field : "mjml"}` }),
                  where: where ? intl.formatMessage({ id: where.id }, where.values) : "",
                  message: error.message,
                },
              )}
            </Text>
            {onShow && error.field === "mjml" && error.line !== null && (
              <>
                {" "}
                <Button type="button" size="small" variant="tertiary" onClick={() => onShow(error)} data-testid="show-error">
                  {intl.formatMessage({ id: "templates.error.show" }, { line: error.line })}
                </Button>
              </>
            )}
          </li>
        );
      })}
    </Box>
  );
};

type Props = {
  preview: { data?: Preview; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown; isFetching: boolean };
  /** List the preview's errors (the editor lists them beside the MJML instead). */
  showErrors?: boolean;
};

/** The rendered email in a sandboxed frame (no scripts, no same origin) at a desktop or phone width, and its text part. */
export const PreviewPanel = ({ preview, showErrors = true }: Props) => {
  const intl = useIntl();
  const [width, setWidth] = useState<PreviewWidth>(600);
  const data = preview.data;

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box display="flex" gap={2} alignItems="center" role="group" aria-label={intl.formatMessage({ id: "templates.preview.width" })}>
        {PREVIEW_WIDTHS.map((option) => (
          <Button
            key={option}
            size="small"
            variant={option === width ? "primary" : "secondary"}
            aria-pressed={option === width}
            onClick={() => setWidth(option)}
            data-testid={`preview-width-${option}`}
          >
            {intl.formatMessage({ id: "templates.preview.px" }, { width: option })}
          </Button>
        ))}
        {preview.isFetching && data && (
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "templates.preview.updating" })}
          </Text>
        )}
      </Box>
      {preview.isPending && <LoadingState label={intl.formatMessage({ id: "templates.preview.loading" })} />}
      {preview.isError && !data && <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />}
      {data && (
        <>
          {showErrors && <ErrorList errors={data.errors} testId="preview-errors" />}
          {data.html === "" ? (
            <Text as="p" size={3} color="default2" data-testid="preview-none">
              {intl.formatMessage({ id: "templates.preview.none" })}
            </Text>
          ) : (
            <>
              <Text as="p" size={3} data-testid="preview-subject">
                {intl.formatMessage({ id: "templates.preview.subject" }, { subject: data.subject })}
              </Text>
              {data.preheader && (
                <Text as="p" size={3} color="default2" data-testid="preview-preheader">
                  {intl.formatMessage({ id: "templates.preview.preheader" }, { preheader: data.preheader })}
                </Text>
              )}
              <Box borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={3} __width="fit-content" __maxWidth="100%" overflowX="auto">
                <iframe
                  title={intl.formatMessage({ id: "templates.preview.frame" }, { width })}
                  sandbox=""
                  srcDoc={data.html}
                  width={width}
                  height={640}
                  style={{ border: 0, display: "block", background: "#fff" }}
                  data-testid="preview-frame"
                />
              </Box>
              <Text as="h3" size={5} fontWeight="bold">
                {intl.formatMessage({ id: "templates.preview.text" })}
              </Text>
              <Code testId="preview-text">{data.text}</Code>
            </>
          )}
        </>
      )}
    </Box>
  );
};
