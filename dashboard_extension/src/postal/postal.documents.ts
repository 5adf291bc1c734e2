/** The postal batches screen's GraphQL documents (validated against schema.graphql in documents.test.ts). */

const BATCH_FIELDS = `id journeyId journeyName node template day sequence status cards maxCards
  createdAt closesAt closedAt closedReason downloadedAt sentAt csvPath`;

export const POSTAL_BATCHES_QUERY = `query PostalBatches { postalBatches(first: 100) { ${BATCH_FIELDS} } }`;

export const MARK_POSTAL_BATCH_SENT_MUTATION = `mutation PostalBatchSent($id: ID!) {
  markPostalBatchSent(id: $id) { batch { ${BATCH_FIELDS} } }
}`;
