/** The broadcasts screens' GraphQL documents (validated against schema.graphql in documents.test.ts). */

const PROGRESS_FIELDS = `snapshotAt recipients runsDue runsLocalTime testRest runsFailed queued deferred sent suppressed failed unknown cancelled`;
const JOURNEY_FIELDS = `id name status createdAt updatedAt draft currentVersion { number publishedAt definition }`;

export const BROADCASTS_QUERY = `query BroadcastsList {
  broadcasts { journey { ${JOURNEY_FIELDS} } ${PROGRESS_FIELDS} }
}`;

export const BROADCAST_PROGRESS_QUERY = `query BroadcastProgress($journeyId: ID!) {
  broadcastProgress(journeyId: $journeyId) { journey { ${JOURNEY_FIELDS} } ${PROGRESS_FIELDS} }
}`;

/** What a broadcast can be sent to and with. */
export const BROADCAST_CHOICES_QUERY = `query BroadcastChoices {
  segments { id name memberCount status }
  templates { id key name kind channel languages defaultLanguage }
}`;

export const BROADCAST_CHECK_QUERY = `query BroadcastCheck($definition: GenericScalar!) {
  journeyCheck(definition: $definition) {
    errors { nodeId field code message }
    warnings { nodeId field code message }
  }
}`;

export const CREATE_BROADCAST_MUTATION = `mutation CreateBroadcast($name: String!, $draft: GenericScalar) {
  createJourney(name: $name, draft: $draft) { journey { id } }
}`;

export const PUBLISH_BROADCAST_MUTATION = `mutation PublishBroadcast($id: ID!) {
  publishJourney(id: $id) {
    journey { id status }
    errors { nodeId field code message }
    warnings { nodeId field code message }
  }
}`;

/** Paused, nothing more is sent (its queued messages are held); resumed, it goes on where it stopped. */
export const PAUSE_BROADCAST_MUTATION = `mutation PauseBroadcast($id: ID!) {
  pauseBroadcast(id: $id) { journey { id status } heldMessages }
}`;

export const RESUME_BROADCAST_MUTATION = `mutation ResumeBroadcast($id: ID!) {
  resumeBroadcast(id: $id) { journey { id status } releasedMessages }
}`;

export const CANCEL_BROADCAST_MUTATION = `mutation CancelBroadcast($id: ID!) {
  cancelBroadcast(id: $id) { journey { id status } cancelledMessages }
}`;

export const SEND_BROADCAST_TEST_MUTATION = `mutation SendBroadcastTest($templateId: ID!, $to: String!) {
  sendTestEmail(templateId: $templateId, to: $to) { messageId }
}`;
