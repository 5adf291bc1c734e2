import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { Section } from "../components/section";
import { formatDateTime } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import type { Revision } from "./editor";

/** Every saved definition, newest first: viewed as JSON, or loaded into the editor unsaved. */
export const SegmentRevisions = ({
  revisions,
  current,
  onLoad,
  disabled,
}: {
  revisions: Revision[];
  current: number;
  onLoad: (revision: Revision) => void;
  disabled: boolean;
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const [open, setOpen] = useState<number | null>(null);

  return (
    <Section title={intl.formatMessage({ id: "segments.revisions.title" })} testId="segment-revisions">
      <Box as="ul" margin={0} padding={0} listStyleType="none" display="flex" flexDirection="column" gap={3}>
        {revisions.map((revision) => (
          <Box as="li" key={revision.revision} display="flex" flexDirection="column" gap={2} data-testid="segment-revision" data-revision={revision.revision}>
            <Box display="flex" alignItems="center" gap={3} flexWrap="wrap">
              <Text size={3} fontWeight="bold">
                {intl.formatMessage({ id: "segments.revisions.number" }, { number: revision.revision })}
              </Text>
              <Text size={3}>{revision.name}</Text>
              <Text size={2} color="default2">
                {formatDateTime(revision.createdAt, locale)}
              </Text>
              {revision.revision === current && (
                <Text size={2} color="default2">
                  {intl.formatMessage({ id: "segments.revisions.current" })}
                </Text>
              )}
              <Button
                variant="tertiary"
                size="small"
                aria-expanded={open === revision.revision}
                onClick={() => setOpen(open === revision.revision ? null : revision.revision)}
                data-testid="segment-revision-view"
              >
                {intl.formatMessage({ id: open === revision.revision ? "segments.revisions.hide" : "segments.revisions.view" }, { number: revision.revision })}
              </Button>
              {revision.revision !== current && (
                <Button variant="secondary" size="small" disabled={disabled} onClick={() => onLoad(revision)} data-testid="segment-revision-load">
                  {intl.formatMessage({ id: "segments.revisions.load" }, { number: revision.revision })}
                </Button>
              )}
            </Box>
            {open === revision.revision && (
              <Box
                as="pre"
                margin={0}
                padding={3}
                borderRadius={3}
                backgroundColor="default1Hovered"
                overflowX="auto"
                data-testid="segment-revision-definition"
                style={{ fontFamily: '"Geist Mono", ui-monospace, monospace', fontSize: 12 }}
              >
                {JSON.stringify(revision.definition, null, 2)}
              </Box>
            )}
          </Box>
        ))}
      </Box>
    </Section>
  );
};
