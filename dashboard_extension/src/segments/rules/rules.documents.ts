/** The app's own queries behind the rule builder's pickers (validated by src/documents.test.ts). */

export const RULE_EVENT_TYPES_QUERY = /* GraphQL */ `
  query SegmentRuleEventTypes {
    eventTypes {
      type
      count
      properties
    }
  }
`;

export const RULE_SEGMENTS_QUERY = /* GraphQL */ `
  query SegmentRuleSegments {
    segments {
      id
      key
      name
      memberCount
    }
  }
`;
