/** The journey editor's documents against the app's API (validated against schema.graphql). */

const JOURNEY_FIELDS = /* GraphQL */ `
  fragment EditorJourney on Journey {
    id
    key
    name
    status
    draft
    layout
    updatedAt
    currentVersion {
      number
      definition
      layout
      publishedAt
    }
  }
`;

const NODE_PROBLEM_FIELDS = /* GraphQL */ `
  fragment EditorNodeProblem on JourneyNodeError {
    nodeId
    field
    code
    message
  }
`;

export const EDITOR_JOURNEY_QUERY = /* GraphQL */ `
  query EditorJourney($id: ID!) {
    journey(id: $id) {
      ...EditorJourney
    }
  }
  ${JOURNEY_FIELDS}
`;

export const EDITOR_NODE_COUNTS_QUERY = /* GraphQL */ `
  query EditorNodeCounts($id: ID!) {
    journey(id: $id) {
      id
      status
      updatedAt
      nodeCounts {
        node
        waiting
        passed
        exited
        converted
      }
    }
  }
`;

export const UPDATE_DRAFT_MUTATION = /* GraphQL */ `
  mutation EditorUpdateDraft($id: ID!, $draft: GenericScalar!, $layout: GenericScalar, $expectedUpdatedAt: DateTime) {
    updateJourneyDraft(id: $id, draft: $draft, layout: $layout, expectedUpdatedAt: $expectedUpdatedAt) {
      journey {
        id
        updatedAt
      }
    }
  }
`;

export const VALIDATE_QUERY = /* GraphQL */ `
  query EditorValidate($definition: GenericScalar!) {
    journeyValidate(definition: $definition) {
      field
      message
    }
  }
`;

export const CHECK_QUERY = /* GraphQL */ `
  query EditorCheck($definition: GenericScalar!) {
    journeyCheck(definition: $definition) {
      errors {
        ...EditorNodeProblem
      }
      warnings {
        ...EditorNodeProblem
      }
    }
  }
  ${NODE_PROBLEM_FIELDS}
`;

export const PUBLISH_MUTATION = /* GraphQL */ `
  mutation EditorPublish($id: ID!) {
    publishJourney(id: $id) {
      journey {
        ...EditorJourney
      }
      errors {
        ...EditorNodeProblem
      }
      warnings {
        ...EditorNodeProblem
      }
    }
  }
  ${JOURNEY_FIELDS}
  ${NODE_PROBLEM_FIELDS}
`;

export const TEST_QUERY = /* GraphQL */ `
  query EditorTest($journeyId: ID!, $contactId: ID!, $definition: GenericScalar, $eventsHappen: Boolean) {
    journeyTest(journeyId: $journeyId, contactId: $contactId, definition: $definition, eventsHappen: $eventsHappen) {
      at
      node
      kind
      detail
    }
  }
`;

export const ENROL_MUTATION = /* GraphQL */ `
  mutation EditorEnrol($journeyId: ID!, $contactId: ID!) {
    enrolContact(journeyId: $journeyId, contactId: $contactId) {
      run {
        id
        status
        node
      }
    }
  }
`;

export const TRIGGER_SECRET_MUTATION = /* GraphQL */ `
  mutation EditorTriggerSecret($id: ID!) {
    newTriggerSecret(id: $id) {
      secret
    }
  }
`;

export const UPDATED_AT_QUERY = /* GraphQL */ `
  query EditorUpdatedAt($id: ID!) {
    journey(id: $id) {
      id
      updatedAt
    }
  }
`;

export const CONTACT_SEARCH_QUERY = /* GraphQL */ `
  query EditorContactSearch($search: String) {
    contacts(search: $search, first: 10) {
      edges {
        node {
          id
          email
          firstName
          lastName
        }
      }
    }
  }
`;

export const TEMPLATES_QUERY = /* GraphQL */ `
  query EditorTemplates {
    templates {
      id
      key
      name
      channel
      defaultLanguage
    }
  }
`;

export const TEMPLATE_PREVIEW_QUERY = /* GraphQL */ `
  query EditorTemplatePreview($templateId: ID!) {
    templatePreview(templateId: $templateId) {
      subject
      html
      text
      errors {
        message
      }
    }
  }
`;

export const SEGMENTS_QUERY = /* GraphQL */ `
  query EditorSegments {
    segments {
      id
      name
      memberCount
      status
    }
  }
`;

export const EVENT_TYPES_QUERY = /* GraphQL */ `
  query EditorEventTypes {
    eventTypes {
      type
      count
      lastSeenAt
      properties
    }
  }
`;

export const STATIC_LISTS_QUERY = /* GraphQL */ `
  query EditorStaticLists {
    staticLists {
      key
      name
      memberCount
    }
  }
`;
