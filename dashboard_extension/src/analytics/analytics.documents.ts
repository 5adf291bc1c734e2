/**
 * The analytics screens' documents (`analyticsOverview`, `journeyAnalytics`,
 * `broadcastAnalytics`), validated against schema.graphql by src/documents.test.ts.
 */

const FUNNEL_FIELDS = /* GraphQL */ `
  fragment AnalyticsFunnel on Funnel {
    entered
    sent
    delivered
    opened
    clicked
    converted
    revenue {
      currency
      amount
    }
    unsubscribed
    bounced
    complained
  }
`;

const AB_TEST_FIELDS = /* GraphQL */ `
  fragment AnalyticsAbTest on AbTestResult {
    node
    kind
    metric
    winner
    verdict
    variants {
      branch
      label
      recipients
      conversions
      conversionRate
      clicks
      clickRate
      uplift
      pValue
      low
      high
    }
  }
`;

export const ANALYTICS_OVERVIEW_QUERY = /* GraphQL */ `
  query AnalyticsOverview($from: Date!, $to: Date!, $compare: Boolean!) {
    analyticsOverview(from: $from, to: $to, compare: $compare) {
      period {
        from
        to
      }
      previousPeriod {
        from
        to
      }
      current {
        ...AnalyticsOverviewFigures
      }
      previous {
        ...AnalyticsOverviewFigures
      }
      days {
        day
        funnel {
          ...AnalyticsFunnel
        }
      }
      topJourneys {
        id
        name
        funnel {
          ...AnalyticsFunnel
        }
      }
      topTemplates {
        id
        name
        funnel {
          ...AnalyticsFunnel
        }
      }
      channels {
        channel
        funnel {
          ...AnalyticsFunnel
        }
      }
      complaintLine
    }
  }
  fragment AnalyticsOverviewFigures on AnalyticsOverviewFigures {
    funnel {
      ...AnalyticsFunnel
    }
    recoveredCheckouts
    recoveredRevenue {
      currency
      amount
    }
    subscribed
    unsubscribed
    bounceRate
    complaintRate
  }
  ${FUNNEL_FIELDS}
`;

export const JOURNEY_ANALYTICS_QUERY = /* GraphQL */ `
  query JourneyAnalytics($journeyId: ID!, $from: Date!, $to: Date!, $compare: Boolean!, $version: Int) {
    journey(id: $journeyId) {
      id
      name
      draft
      currentVersion {
        number
        definition
      }
    }
    journeyAnalytics(journeyId: $journeyId, from: $from, to: $to, compare: $compare, version: $version) {
      period {
        from
        to
      }
      version
      funnel {
        ...AnalyticsFunnel
      }
      previous {
        ...AnalyticsFunnel
      }
      days {
        day
        funnel {
          ...AnalyticsFunnel
        }
      }
      nodes {
        node
        funnel {
          ...AnalyticsFunnel
        }
      }
      versions {
        number
        funnel {
          ...AnalyticsFunnel
        }
      }
      channels {
        channel
        funnel {
          ...AnalyticsFunnel
        }
      }
      holdout {
        holdoutPercent
        treated {
          ...AnalyticsHoldoutGroup
        }
        holdout {
          ...AnalyticsHoldoutGroup
        }
        lift
        liftLow
        liftHigh
        revenuePerRecipient {
          currency
          treated
          holdout
          difference
          low
          high
        }
        verdict
      }
      abTests {
        ...AnalyticsAbTest
      }
    }
  }
  fragment AnalyticsHoldoutGroup on HoldoutGroup {
    recipients
    converted
    rate
    revenue {
      currency
      amount
    }
  }
  ${FUNNEL_FIELDS}
  ${AB_TEST_FIELDS}
`;

/** The canvas's node figures: only what the nodes show. */
export const EDITOR_NODE_ANALYTICS_QUERY = /* GraphQL */ `
  query EditorNodeAnalytics($journeyId: ID!, $from: Date!, $to: Date!) {
    journeyAnalytics(journeyId: $journeyId, from: $from, to: $to) {
      nodes {
        node
        funnel {
          sent
          opened
          clicked
        }
      }
      abTests {
        node
        kind
        metric
        winner
        verdict
        variants {
          branch
          label
          conversionRate
          clickRate
        }
      }
    }
  }
`;

export const BROADCAST_ANALYTICS_QUERY = /* GraphQL */ `
  query BroadcastAnalytics($journeyId: ID!) {
    broadcastAnalytics(journeyId: $journeyId) {
      funnel {
        ...AnalyticsFunnel
      }
      days {
        day
        funnel {
          ...AnalyticsFunnel
        }
      }
      test {
        sharePercent
        waitHours
        metric
        decidedAt
        winner
        significant
        result {
          ...AnalyticsAbTest
        }
      }
    }
  }
  ${FUNNEL_FIELDS}
  ${AB_TEST_FIELDS}
`;
