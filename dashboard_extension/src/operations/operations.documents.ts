/** The operations screen's GraphQL documents (validated against schema.graphql in documents.test.ts). */

export const FAILURE_COUNTS_QUERY = `query OperationsFailureCounts {
  failureCounts { deliveries runs messages catalogueEvents }
}`;

export const FAILURES_QUERY = `query OperationsFailures($kind: FailureKind!, $first: Int, $after: String) {
  failures(kind: $kind, first: $first, after: $after) {
    edges { cursor node { id kind error attempts at summary retryable contactId journeyId templateId } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

export const RETRY_FAILURE_MUTATION = `mutation OperationsRetryFailure($kind: FailureKind!, $id: ID!) {
  retryFailure(kind: $kind, id: $id) { retried }
}`;

export const DISCARD_FAILURE_MUTATION = `mutation OperationsDiscardFailure($kind: FailureKind!, $id: ID!) {
  discardFailure(kind: $kind, id: $id) { discarded }
}`;

export const SENDER_DOMAIN_CHECK_QUERY = `query OperationsSenderDomainCheck($dkimSelectors: [String!]) {
  senderDomainCheck(dkimSelectors: $dkimSelectors) {
    fromEmail
    domain
    esp
    dkimSelectors
    checkedAt
    results { check status code name record value selector }
  }
}`;
