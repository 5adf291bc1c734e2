import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { formatDateTime } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { runStatusMessageId, stepDetail } from "./profile";
import { Section } from "../components/section";
import { type ContactRun, useContactRuns } from "./use-contacts";

const Run = ({ run }: { run: ContactRun }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <Box as="li" data-testid="contact-run" data-run-id={run.id} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1" paddingBottom={3}>
      <details>
        <summary>
          <Text size={4} fontWeight="medium">
            {run.journey.name}
          </Text>{" "}
          <Text size={3} data-testid="run-summary">
            {intl.formatMessage(
              { id: "contacts.runs.summary" },
              {
                status: intl.formatMessage({ id: runStatusMessageId(run.status) }),
                version: run.version,
                node: run.node,
                at: formatDateTime(run.enteredAt, locale),
                steps: run.steps.length,
              },
            )}
            {run.holdout && ` · ${intl.formatMessage({ id: "contacts.runs.holdout" })}`}
            {run.exitReason && ` · ${intl.formatMessage({ id: "contacts.runs.exitReason" }, { reason: run.exitReason })}`}
          </Text>
        </summary>
        <Box display="flex" flexDirection="column" gap={2} paddingTop={3} paddingLeft={4}>
          <AppLink to={pathFor({ name: "journey", journeyId: run.journey.id })}>
            <Text size={2}>{intl.formatMessage({ id: "contacts.runs.openJourney" }, { name: run.journey.name })}</Text>
          </AppLink>
          {run.steps.length === 0 ? (
            <Text size={2}>{intl.formatMessage({ id: "contacts.runs.noSteps" })}</Text>
          ) : (
            <Box as="ol" margin={0} paddingLeft={4} data-testid="run-steps">
              {run.steps.map((step, index) => (
                <Box as="li" key={`${step.at}-${index}`} data-testid="run-step">
                  <Text size={2}>
                    {formatDateTime(step.at, locale)} · <strong>{step.node}</strong> · {step.kind}
                    {stepDetail(step.detail) && ` · ${stepDetail(step.detail)}`}
                  </Text>
                </Box>
              ))}
            </Box>
          )}
        </Box>
      </details>
    </Box>
  );
};

/** The contact's journey runs, newest first; each opens to its step log. */
export const ContactRuns = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const runs = useContactRuns(contactId);
  return (
    <Section title={intl.formatMessage({ id: "contacts.runs.title" })} testId="contact-runs">
      {runs.isPending && <LoadingState label={intl.formatMessage({ id: "contacts.runs.loading" })} />}
      {runs.isError && <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />}
      {runs.data && runs.data.length === 0 && <Text size={3}>{intl.formatMessage({ id: "contacts.runs.none" })}</Text>}
      {runs.data && runs.data.length > 0 && (
        <Box as="ul" margin={0} paddingLeft={0} listStyleType="none" display="flex" flexDirection="column" gap={3}>
          {runs.data.map((run) => (
            <Run key={run.id} run={run} />
          ))}
        </Box>
      )}
    </Section>
  );
};
