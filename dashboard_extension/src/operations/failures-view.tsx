import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { ConfirmDialog } from "../components/confirm-dialog";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { useNotify } from "../hooks/use-notify";
import { formatDateTime } from "../lib/format";
import { presentError } from "../lib/error-presentation";
import { GraphQLRequestError } from "../lib/graphql";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import {
  countOf,
  errorHeadline,
  FAILURE_KINDS,
  type Failure,
  type FailureKind,
  initialKind,
  itemsOf,
  kindMessageId,
  linksOf,
  refusalMessageId,
} from "./failures";
import { type FailureAction, useFailureAction, useFailureCounts, useFailures } from "./use-operations";

const cell = cellStyle({ align: "top" });
const COLUMNS = ["item", "error", "when", "attempts", "actions"] as const;

const Item = ({
  failure,
  busy,
  onRetry,
  onDiscard,
}: {
  failure: Failure;
  busy: boolean;
  onRetry: () => void;
  onDiscard: () => void;
}) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const headline = errorHeadline(failure.error);
  return (
    <tr data-testid="failure-row" data-failure-id={failure.id}>
      <Box as="th" scope="row" textAlign="left" {...cell}>
        <Box display="flex" flexDirection="column" gap={1}>
          <Text size={4} fontWeight="medium" data-testid="failure-summary">
            {failure.summary}
          </Text>
          {linksOf(failure).map((link) => (
            <AppLink key={link.messageId} to={pathFor(link.route)} data-testid="failure-link">
              <Text size={3}>{intl.formatMessage({ id: link.messageId })}</Text>
            </AppLink>
          ))}
        </Box>
      </Box>
      <Box as="td" {...cell} __maxWidth="420px">
        <Text as="p" size={3} data-testid="failure-error" style={{ overflowWrap: "anywhere" }}>
          {headline}
        </Text>
        {headline !== failure.error.trim() && (
          <details>
            <summary>
              <Text size={2}>{intl.formatMessage({ id: "operations.failure.fullError" })}</Text>
            </summary>
            <Box as="pre" margin={0} __whiteSpace="pre-wrap" fontSize={2} style={{ overflowWrap: "anywhere" }}>
              {failure.error}
            </Box>
          </details>
        )}
      </Box>
      <Box as="td" {...cell} data-testid="failure-at">
        <Text size={3}>{failure.at ? formatDateTime(failure.at, locale) : "–"}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="failure-attempts">
        <Text size={3}>{failure.attempts}</Text>
      </Box>
      <Box as="td" {...cell}>
        <Box display="flex" gap={2} flexWrap="wrap" alignItems="center">
          <Button
            variant="secondary"
            size="small"
            disabled={busy || !failure.retryable}
            onClick={onRetry}
            aria-label={intl.formatMessage({ id: "operations.retry.label" }, { summary: failure.summary })}
            data-testid="failure-retry"
          >
            {intl.formatMessage({ id: "operations.retry.button" })}
          </Button>
          <Button
            variant="error"
            size="small"
            disabled={busy}
            onClick={onDiscard}
            aria-label={intl.formatMessage({ id: "operations.discard.label" }, { summary: failure.summary })}
            data-testid="failure-discard"
          >
            {intl.formatMessage({ id: "operations.discard.button" })}
          </Button>
          {!failure.retryable && (
            <Text size={2} color="default2" data-testid="failure-not-retryable">
              {intl.formatMessage({ id: "operations.retry.notPossible" })}
            </Text>
          )}
        </Box>
      </Box>
    </tr>
  );
};

const FailureList = ({ kind }: { kind: FailureKind }) => {
  const intl = useIntl();
  const notify = useNotify();
  const failures = useFailures(kind);
  const retry = useFailureAction("retry");
  const discard = useFailureAction("discard");
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<Failure | null>(null);

  const act = (action: FailureAction, failure: Failure) => {
    const mutation = action === "retry" ? retry : discard;
    mutation.mutate(
      { kind, id: failure.id },
      {
        onSuccess: () => {
          setGone((previous) => new Set(previous).add(failure.id));
          setConfirming(null);
          notify({
            status: "success",
            title: intl.formatMessage({ id: `operations.${action}.done` }),
            text: failure.summary,
          });
        },
        onError: (error) => {
          setConfirming(null);
          const code = error instanceof GraphQLRequestError ? error.failure.code : undefined;
          const refusal = refusalMessageId(code);
          const text = refusal
            ? intl.formatMessage({ id: refusal })
            : error instanceof GraphQLRequestError
              ? presentError(error.failure).text
              : String(error);
          notify({ status: "error", title: intl.formatMessage({ id: `operations.${action}.failed` }), text });
        },
      },
    );
  };

  if (failures.isPending) {
    return <LoadingState label={<FormattedMessage id="operations.failures.loading" />} />;
  }
  if (failures.isError) {
    return <ErrorState error={failures.error} onRetry={() => void failures.refetch()} />;
  }
  const items = itemsOf(failures.data.pages, gone);
  if (items.length === 0 && !failures.hasNextPage) {
    return (
      <Text as="p" size={4} color="default2" data-testid="failures-empty">
        {intl.formatMessage({ id: "operations.failures.empty" }, { kind: intl.formatMessage({ id: kindMessageId(kind) }) })}
      </Text>
    );
  }
  const busy = retry.isPending || discard.isPending;
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <DataTable testId="failures-table" columns={COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `operations.column.${column}` }) }))} align="top">
        {items.map((failure) => (
          <Item
            key={failure.id}
            failure={failure}
            busy={busy}
            onRetry={() => act("retry", failure)}
            onDiscard={() => setConfirming(failure)}
          />
        ))}
      </DataTable>
      {failures.hasNextPage && (
        <Box>
          <Button variant="secondary" onClick={() => void failures.fetchNextPage()} disabled={failures.isFetchingNextPage} data-testid="failures-more">
            {intl.formatMessage({ id: "operations.failures.more" })}
          </Button>
        </Box>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={<FormattedMessage id="operations.discard.confirmTitle" />}
        description={<FormattedMessage id="operations.discard.confirmText" values={{ summary: confirming?.summary ?? "" }} />}
        confirmLabel={<FormattedMessage id="operations.discard.button" />}
        tone="error"
        busy={discard.isPending}
        onConfirm={() => confirming && act("discard", confirming)}
        onCancel={() => setConfirming(null)}
      />
    </Box>
  );
};

/** Failed deliveries, journey runs, messages and catalogue events: one kind at a time (`?kind=`), with the counts. */
export const FailuresView = () => {
  const intl = useIntl();
  const counts = useFailureCounts();
  const [params, setParams] = useSearchParams();
  const asked = params.get("kind");
  const kind = initialKind(asked, counts.data);

  // Once the counts are known, the kind opened first is kept in the URL: a tab emptied by
  // retries stays open instead of jumping to the next kind.
  useEffect(() => {
    if (asked === null && counts.data) {
      setParams({ kind: kind.toLowerCase() }, { replace: true });
    }
  }, [asked, counts.data, kind, setParams]);

  return (
    <Section title={<FormattedMessage id="operations.failures.title" />} testId="failures-section">
      <Text as="p" size={3} color="default2">
        {intl.formatMessage({ id: "operations.failures.intro" })}
      </Text>
      {counts.isError ? (
        <ErrorState error={counts.error} onRetry={() => void counts.refetch()} />
      ) : (
        <Box role="tablist" aria-label={intl.formatMessage({ id: "operations.failures.kinds" })} display="flex" gap={2} flexWrap="wrap">
          {FAILURE_KINDS.map((each) => (
            <Button
              key={each}
              role="tab"
              aria-selected={each === kind}
              variant={each === kind ? "primary" : "secondary"}
              onClick={() => setParams({ kind: each.toLowerCase() }, { replace: true })}
              data-testid={`failures-tab-${each.toLowerCase()}`}
            >
              {intl.formatMessage(
                { id: "operations.kind.tab" },
                { kind: intl.formatMessage({ id: kindMessageId(each) }), count: counts.data ? countOf(counts.data, each) : "…" },
              )}
            </Button>
          ))}
        </Box>
      )}
      <Box role="tabpanel" aria-label={intl.formatMessage({ id: kindMessageId(kind) })}>
        <FailureList key={kind} kind={kind} />
      </Box>
    </Section>
  );
};
