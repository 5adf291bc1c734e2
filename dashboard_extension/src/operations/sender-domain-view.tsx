import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";

import { AppLink } from "../components/app-link";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Section } from "../components/section";
import { formatDateTime, intlLocale } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import {
  type CheckGroup,
  type CheckResult,
  type CheckStatus,
  checkMessageId,
  codeMessageId,
  fixMessageId,
  groupResults,
  messageValues,
  parseSelectors,
  recordShown,
  statusMessageId,
} from "./sender-domain";
import { useSenderDomainCheck } from "./use-operations";

const STATUS_COLOR = { PASS: "success1", WARN: "warning1", FAIL: "critical1" } as const;

const StatusBadge = ({ status }: { status: CheckStatus }) => {
  const intl = useIntl();
  return (
    <Text size={3} fontWeight="bold" color={STATUS_COLOR[status]} data-testid="dns-status" __minWidth="120px">
      {intl.formatMessage({ id: statusMessageId(status) })}
    </Text>
  );
};

const Result = ({ result, showRecord }: { result: CheckResult; showRecord: boolean }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const percent = (value: number) => new Intl.NumberFormat(intlLocale(locale), { style: "percent", maximumFractionDigits: 2 }).format(value);
  const values = messageValues(result, percent);
  const codeId = codeMessageId(result.code);
  const fixId = fixMessageId(result);
  return (
    <Box as="li" display="flex" gap={3} alignItems="flex-start" data-testid="dns-result" data-code={result.code} data-status={result.status}>
      <StatusBadge status={result.status} />
      <Box display="flex" flexDirection="column" gap={1}>
        <Text size={4} data-testid="dns-explanation">
          {result.selector ? `${result.selector}: ` : ""}
          {codeId ? intl.formatMessage({ id: codeId }, values) : result.code}
        </Text>
        {fixId && (
          <Text size={3} color="default2" data-testid="dns-fix">
            {intl.formatMessage({ id: fixId }, values)}
          </Text>
        )}
        {showRecord && result.record && (
          <Box as="pre" margin={0} __whiteSpace="pre-wrap" fontSize={2} color="default2" style={{ overflowWrap: "anywhere" }} data-testid="dns-record">
            {result.name ? `${result.name}  ` : ""}
            {result.record}
          </Box>
        )}
      </Box>
    </Box>
  );
};

const Group = ({ group }: { group: CheckGroup }) => {
  const intl = useIntl();
  return (
    <Box as="section" display="flex" flexDirection="column" gap={2} data-testid={`dns-check-${group.check.toLowerCase()}`} data-status={group.status}>
      <Box display="flex" gap={3} alignItems="baseline">
        <Text as="h3" size={5} fontWeight="bold">
          {intl.formatMessage({ id: checkMessageId(group.check) })}
        </Text>
        <StatusBadge status={group.status} />
      </Box>
      <Box as="ul" display="flex" flexDirection="column" gap={3} margin={0} padding={0} style={{ listStyle: "none" }}>
        {group.results.map((result, index) => (
          <Result key={`${result.code}-${result.selector ?? ""}-${index}`} result={result} showRecord={recordShown(group.results, index)} />
        ))}
      </Box>
    </Box>
  );
};

/** The sender domain's SPF, DKIM and DMARC and the other 2024 bulk-sender rules, explained. */
export const SenderDomainView = () => {
  const intl = useIntl();
  const locale = useAppLocale();
  const [text, setText] = useState("");
  const [asked, setAsked] = useState<{ selectors: string[] | null; run: number }>({ selectors: null, run: 1 });
  const parsed = parseSelectors(text);
  const check = useSenderDomainCheck(asked.selectors, asked.run);

  const rerun = () => {
    if (parsed.problem === null) {
      setAsked((previous) => ({ selectors: parsed.selectors.length > 0 ? parsed.selectors : null, run: previous.run + 1 }));
    }
  };

  return (
    <Section
      title={<FormattedMessage id="operations.dns.title" />}
      testId="dns-section"
      actions={
        <Button variant="secondary" onClick={rerun} disabled={check.isFetching || parsed.problem !== null} data-testid="dns-rerun">
          {intl.formatMessage({ id: "operations.dns.rerun" })}
        </Button>
      }
    >
      <Text as="p" size={3} color="default2">
        {intl.formatMessage({ id: "operations.dns.intro" })}
      </Text>
      <Box
        as="form"
        display="flex"
        gap={3}
        alignItems="flex-start"
        flexWrap="wrap"
        onSubmit={(event) => {
          event.preventDefault();
          rerun();
        }}
      >
        <Box __minWidth="320px" __flex="1">
          <Input
            label={intl.formatMessage({ id: "operations.dns.selectors.label" })}
            value={text}
            onChange={(event) => setText(event.target.value)}
            helperText={
              parsed.problem
                ? intl.formatMessage({ id: parsed.problem.id }, parsed.problem.values)
                : intl.formatMessage({ id: "operations.dns.selectors.help" }, { current: check.data?.dkimSelectors.join(", ") || "–" })
            }
            error={parsed.problem !== null}
            data-testid="dns-selectors"
          />
        </Box>
      </Box>
      {check.isFetching ? (
        <LoadingState label={<FormattedMessage id="operations.dns.loading" />} />
      ) : check.isError ? (
        <ErrorState error={check.error} onRetry={rerun} />
      ) : check.data ? (
        check.data.domain === null ? (
          <Text as="p" size={4} data-testid="dns-no-sender">
            <FormattedMessage
              id="operations.dns.noSender"
              values={{ link: (chunks) => <AppLink to={pathFor({ name: "settings" })}>{chunks}</AppLink> }}
            />
          </Text>
        ) : (
          <Box display="flex" flexDirection="column" gap={5}>
            <Text as="p" size={4} data-testid="dns-domain">
              {intl.formatMessage(
                { id: "operations.dns.checked" },
                { domain: check.data.domain, from: check.data.fromEmail, at: formatDateTime(check.data.checkedAt, locale) },
              )}
            </Text>
            {groupResults(check.data.results).map((group) => (
              <Group key={group.check} group={group} />
            ))}
          </Box>
        )
      ) : null}
    </Section>
  );
};
