import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { Section } from "../components/section";
import { formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { contactName } from "./history";
import type { PreviewFreshness, PreviewResult } from "./preview";

/** The rules' live count and a few of the contacts they select; an older count is marked. */
export const SegmentPreviewPanel = ({
  result,
  freshness,
  error,
  onRetry,
}: {
  result: PreviewResult | undefined;
  freshness: PreviewFreshness;
  error: unknown;
  onRetry: () => void;
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const invalid = (result?.errors.length ?? 0) > 0;

  return (
    <Section title={intl.formatMessage({ id: "segments.preview.title" })} testId="segment-preview">
      {error !== null && <ErrorState error={error} onRetry={onRetry} />}
      <Box display="flex" alignItems="baseline" gap={3} aria-live="polite" aria-busy={freshness !== "current"}>
        <Text
          size={9}
          fontWeight="bold"
          color={freshness === "current" ? "default1" : "default2"}
          data-testid="segment-preview-count"
          data-freshness={freshness}
          style={{ opacity: freshness === "stale" ? 0.55 : 1 }}
        >
          {result && !invalid ? formatNumber(result.count, locale) : "–"}
        </Text>
        <Text size={3} color="default2" data-testid="segment-preview-state">
          {intl.formatMessage({
            id: freshness === "loading" ? "segments.preview.loading" : freshness === "stale" ? "segments.preview.stale" : invalid ? "segments.preview.invalid" : "segments.preview.current",
          })}
        </Text>
      </Box>
      {result && !invalid && result.sample.length > 0 && (
        <Box display="flex" flexDirection="column" gap={2}>
          <Text size={2} color="default2" fontWeight="medium">
            {intl.formatMessage({ id: "segments.preview.sample" })}
          </Text>
          <Box as="ul" margin={0} padding={0} listStyleType="none" display="flex" flexDirection="column" gap={1} data-testid="segment-preview-sample">
            {result.sample.map((contact) => (
              <li key={contact.id}>
                <AppLink to={pathFor({ name: "contact", contactId: contact.id })}>
                  <Text size={3}>{contactName(contact) ?? intl.formatMessage({ id: "segments.anonymous" })}</Text>
                </AppLink>
                {contact.email && contactName(contact) !== contact.email && (
                  <Text size={2} color="default2">
                    {" "}
                    {contact.email}
                  </Text>
                )}
              </li>
            ))}
          </Box>
        </Box>
      )}
    </Section>
  );
};
