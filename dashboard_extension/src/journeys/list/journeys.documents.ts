export const JOURNEY_LIST_QUERY = `query JourneyList {
  journeys {
    id
    name
    status
    updatedAt
    currentVersion { number publishedAt }
    nodeCounts { node waiting passed exited converted }
  }
}`;

export const CREATE_JOURNEY_MUTATION = `mutation CreateJourney($name: String!) {
  createJourney(name: $name) { journey { id name status } }
}`;

export const SET_JOURNEY_STATUS_MUTATION = `mutation SetJourneyStatus($id: ID!, $status: String!) {
  setJourneyStatus(id: $id, status: $status) { journey { id status updatedAt } }
}`;
