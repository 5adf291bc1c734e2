/** A journey's holdout result, its A/B tests and its broadcast test. */
import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { formatDateTime, formatNumber } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { Badge } from "./badge";
import { formatCurrency, formatPoints, formatPValue, formatRate } from "./figures";
import { IntervalBar } from "./interval-bar";
import { cell, Revenue } from "./tables";
import type { AbTestResult, BroadcastTest, HoldoutResult } from "./types";
import { broadcastDecision } from "./journey";
import { abSentence, holdoutSentence, type Sentence, sentenceFormats } from "./sentences";
import { abBadge, holdoutBadge, winnerOf } from "./verdicts";

const Th = ({ children, align = "right" }: { children: string; align?: "left" | "right" }) => (
  <Box as="th" scope="col" textAlign={align} {...cell}>
    <Text size={2} color="default2" fontWeight="medium">
      {children}
    </Text>
  </Box>
);

const Td = ({ children, align = "right", column }: { children: React.ReactNode; align?: "left" | "right"; column?: string }) => (
  <Box as="td" textAlign={align} {...cell} data-column={column}>
    {typeof children === "string" ? <Text size={3}>{children}</Text> : children}
  </Box>
);

/** A verdict's sentence in the user's language (built from the figures, not the API's English). */
const useSay = () => {
  const intl = useIntl();
  return (sentence: Sentence) => intl.formatMessage({ id: sentence.id }, sentence.values);
};

const Section = ({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) => (
  <Box as="section" display="flex" flexDirection="column" gap={3} padding={5} borderStyle="solid" borderWidth={1} borderRadius={4} borderColor="default1" data-testid={testId}>
    <Text as="h2" size={6} fontWeight="bold">
      {title}
    </Text>
    {children}
  </Box>
);

/** Treated against held out: rates, lift with its interval, revenue per recipient per currency. */
export const HoldoutCard = ({ holdout }: { holdout: HoldoutResult }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const say = useSay();
  const badge = holdoutBadge(holdout.verdict);
  const points = (value: number) => intl.formatMessage({ id: "analytics.points" }, { points: formatPoints(value, locale) });
  const liftText =
    holdout.lift === null
      ? intl.formatMessage({ id: "analytics.holdout.noLift" })
      : holdout.liftLow !== null && holdout.liftHigh !== null
        ? intl.formatMessage({ id: "analytics.holdout.lift" }, { lift: points(holdout.lift), low: points(holdout.liftLow), high: points(holdout.liftHigh) })
        : intl.formatMessage({ id: "analytics.holdout.liftNoInterval" }, { lift: points(holdout.lift) });
  const money = (amount: string | null, currency: string) => (amount === null ? "–" : formatCurrency(Number(amount), currency, locale));
  return (
    <Section
      title={intl.formatMessage({ id: holdout.holdoutPercent > 0 ? "analytics.holdout.title" : "analytics.holdout.titleNone" }, { percent: holdout.holdoutPercent })}
      testId="holdout"
    >
      <Box display="flex" flexWrap="wrap" gap={3} alignItems="center">
        <Badge tone={badge.tone} testId="holdout-verdict">
          {intl.formatMessage({ id: badge.messageId })}
        </Badge>
        <Text size={3} data-testid="holdout-message">
          {say(holdoutSentence(holdout, sentenceFormats(locale)))}
        </Text>
      </Box>
      {holdout.verdict !== "no_holdout" && (
        <>
          <Box overflowX="auto">
            <Box as="table" width="100%" __borderCollapse="collapse" data-testid="holdout-groups">
              <thead>
                <tr>
                  <Th align="left">{intl.formatMessage({ id: "analytics.holdout.group" })}</Th>
                  <Th>{intl.formatMessage({ id: "analytics.holdout.recipients" })}</Th>
                  <Th>{intl.formatMessage({ id: "analytics.funnel.converted" })}</Th>
                  <Th>{intl.formatMessage({ id: "analytics.holdout.rate" })}</Th>
                  <Th>{intl.formatMessage({ id: "analytics.funnel.revenue" })}</Th>
                </tr>
              </thead>
              <tbody>
                {(["treated", "holdout"] as const).map((group) => (
                  <tr key={group} data-testid={`holdout-${group}`}>
                    <Td align="left">{intl.formatMessage({ id: `analytics.holdout.${group}` })}</Td>
                    <Td column="recipients">{formatNumber(holdout[group].recipients, locale)}</Td>
                    <Td column="converted">{formatNumber(holdout[group].converted, locale)}</Td>
                    <Td column="rate">{formatRate(holdout[group].recipients > 0 ? holdout[group].rate : null, locale)}</Td>
                    <Td column="revenue">
                      <Revenue revenue={holdout[group].revenue} />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Box>
          </Box>
          <IntervalBar point={holdout.lift} low={holdout.liftLow} high={holdout.liftHigh} text={liftText} testId="holdout-lift" />
          {holdout.revenuePerRecipient.length > 0 && (
            <Box overflowX="auto">
              <Text as="h3" size={4} fontWeight="bold">
                {intl.formatMessage({ id: "analytics.holdout.perRecipient" })}
              </Text>
              <Box as="table" width="100%" __borderCollapse="collapse" data-testid="holdout-revenue">
                <thead>
                  <tr>
                    <Th align="left">{intl.formatMessage({ id: "analytics.holdout.currency" })}</Th>
                    <Th>{intl.formatMessage({ id: "analytics.holdout.treated" })}</Th>
                    <Th>{intl.formatMessage({ id: "analytics.holdout.holdout" })}</Th>
                    <Th>{intl.formatMessage({ id: "analytics.holdout.difference" })}</Th>
                    <Th>{intl.formatMessage({ id: "analytics.holdout.interval" })}</Th>
                  </tr>
                </thead>
                <tbody>
                  {holdout.revenuePerRecipient.map((row) => (
                    <tr key={row.currency} data-testid="holdout-revenue-row" data-currency={row.currency}>
                      <Td align="left">{row.currency}</Td>
                      <Td column="treated">{money(row.treated, row.currency)}</Td>
                      <Td column="holdout">{money(row.holdout, row.currency)}</Td>
                      <Td column="difference">{money(row.difference, row.currency)}</Td>
                      <Td column="interval">
                        {row.low === null || row.high === null
                          ? intl.formatMessage({ id: "analytics.holdout.noInterval" })
                          : intl.formatMessage({ id: "analytics.interval.range" }, { low: money(row.low, row.currency), high: money(row.high, row.currency) })}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Box>
            </Box>
          )}
        </>
      )}
    </Section>
  );
};

/** One A/B test: its verdict, then each variant's rates, uplift with interval and p-value. */
export const AbTestCard = ({ test }: { test: AbTestResult }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const say = useSay();
  const badge = abBadge(test.verdict);
  const winner = winnerOf(test);
  const points = (value: number) => intl.formatMessage({ id: "analytics.points" }, { points: formatPoints(value, locale) });
  return (
    <Section
      title={intl.formatMessage({ id: test.kind === "subject" ? "analytics.ab.subjectTitle" : "analytics.ab.splitTitle" }, { node: test.node })}
      testId={`ab-test-${test.node}`}
    >
      <Box display="flex" flexWrap="wrap" gap={3} alignItems="center">
        <Badge tone={badge.tone} testId="ab-verdict">
          {winner ? intl.formatMessage({ id: "analytics.ab.winner" }, { label: winner.label }) : intl.formatMessage({ id: badge.messageId })}
        </Badge>
        <Text size={3} color="default2">
          {intl.formatMessage({ id: test.metric === "click" ? "analytics.ab.byClicks" : "analytics.ab.byConversions" })}
        </Text>
      </Box>
      <Text size={3} data-testid="ab-message">
        {say(abSentence(test, sentenceFormats(locale)))}
      </Text>
      <Box overflowX="auto">
        <Box as="table" width="100%" __borderCollapse="collapse" data-testid="ab-variants">
          <thead>
            <tr>
              <Th align="left">{intl.formatMessage({ id: "analytics.ab.variant" })}</Th>
              <Th>{intl.formatMessage({ id: "analytics.holdout.recipients" })}</Th>
              <Th>{intl.formatMessage({ id: "analytics.ab.conversions" })}</Th>
              <Th>{intl.formatMessage({ id: "analytics.ab.clicks" })}</Th>
              <Th align="left">{intl.formatMessage({ id: "analytics.ab.uplift" })}</Th>
              <Th>{intl.formatMessage({ id: "analytics.ab.pValue" })}</Th>
            </tr>
          </thead>
          <tbody>
            {test.variants.map((variant) => (
              <tr key={variant.branch} data-testid="ab-variant" data-branch={variant.branch} data-winner={test.winner === variant.branch ? "true" : "false"}>
                <Td align="left">
                  <Text size={3} fontWeight={test.winner === variant.branch ? "bold" : "regular"}>
                    {variant.label}
                    {variant.branch === 0 && ` (${intl.formatMessage({ id: "analytics.ab.control" })})`}
                    {test.winner === variant.branch && ` ★ ${intl.formatMessage({ id: "analytics.ab.winnerMark" })}`}
                  </Text>
                </Td>
                <Td column="recipients">{formatNumber(variant.recipients, locale)}</Td>
                <Td column="conversions">{`${formatNumber(variant.conversions, locale)} (${formatRate(variant.recipients > 0 ? variant.conversionRate : null, locale)})`}</Td>
                <Td column="clicks">{`${formatNumber(variant.clicks, locale)} (${formatRate(variant.recipients > 0 ? variant.clickRate : null, locale)})`}</Td>
                <Td align="left" column="uplift">
                  {variant.uplift === null ? (
                    "–"
                  ) : (
                    <IntervalBar
                      point={variant.uplift}
                      low={variant.low}
                      high={variant.high}
                      text={
                        variant.low !== null && variant.high !== null
                          ? intl.formatMessage({ id: "analytics.ab.upliftInterval" }, { uplift: points(variant.uplift), low: points(variant.low), high: points(variant.high) })
                          : points(variant.uplift)
                      }
                    />
                  )}
                </Td>
                <Td column="pValue">{formatPValue(variant.pValue, locale)}</Td>
              </tr>
            ))}
          </tbody>
        </Box>
      </Box>
    </Section>
  );
};

/** A broadcast's test share: its settings and the winner it decided (or not yet). */
export const BroadcastTestCard = ({ test }: { test: BroadcastTest | null }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  if (!test) {
    return (
      <Section title={intl.formatMessage({ id: "analytics.broadcast.title" })} testId="broadcast-test">
        <Text size={3}>{intl.formatMessage({ id: "analytics.broadcast.noTest" })}</Text>
      </Section>
    );
  }
  const decision = broadcastDecision(test);
  return (
    <Section title={intl.formatMessage({ id: "analytics.broadcast.title" })} testId="broadcast-test">
      <Text size={3} data-testid="broadcast-settings">
        {intl.formatMessage(
          { id: "analytics.broadcast.settings" },
          { share: test.sharePercent, hours: test.waitHours, metric: intl.formatMessage({ id: test.metric === "click" ? "analytics.ab.metric.click" : "analytics.ab.metric.conversion" }) },
        )}
      </Text>
      <Text size={3} fontWeight="bold" data-testid="broadcast-decision">
        {decision.kind === "undecided"
          ? intl.formatMessage({ id: "analytics.broadcast.undecided" })
          : intl.formatMessage(
              { id: decision.significant ? "analytics.broadcast.decided" : "analytics.broadcast.decidedBestSeen" },
              { label: decision.label ?? intl.formatMessage({ id: "analytics.ab.branch" }, { branch: decision.branch }), at: formatDateTime(decision.at, locale) },
            )}
      </Text>
      {test.result && <AbTestCard test={test.result} />}
    </Section>
  );
};
