/** The segments screens' GraphQL documents (validated against schema.graphql in documents.test.ts). */

export const SEGMENTS_LIST_QUERY = `query SegmentsList($includeArchived: Boolean) {
  segments(includeArchived: $includeArchived) {
    id
    key
    name
    description
    isBuiltin
    status
    memberCount
    evaluatedAt
    trend { day members }
  }
}`;

/** What the editor shows of a segment, read and written alike. */
const SEGMENT_FIELDS = `fragment SegmentFields on Segment {
  id
  key
  name
  description
  definition
  revision
  status
  isBuiltin
  storefrontVisible
  timeDependent
  memberCount
  evaluatedAt
  updatedAt
  revisions { revision name definition createdAt }
}`;

export const SEGMENT_DETAIL_QUERY = `query SegmentDetail($id: ID!) {
  segment(id: $id) { ...SegmentFields }
}
${SEGMENT_FIELDS}`;

export const SEGMENT_HISTORY_QUERY = `query SegmentHistory($id: ID!, $first: Int, $before: ID) {
  segment(id: $id) {
    id
    history(first: $first, before: $before) {
      id
      enteredAt
      exitedAt
      contact { id email firstName lastName }
    }
  }
}`;

export const SEGMENT_EDITOR_PREVIEW_QUERY = `query SegmentEditorPreview($definition: GenericScalar!, $sampleSize: Int) {
  segmentPreview(definition: $definition, sampleSize: $sampleSize) {
    count
    sample { id email firstName lastName }
    errors { field message }
  }
}`;

export const CREATE_SEGMENT_MUTATION = `mutation SegmentCreate($input: SegmentInput!) {
  createSegment(input: $input) {
    segment { ...SegmentFields }
  }
}
${SEGMENT_FIELDS}`;

export const UPDATE_SEGMENT_MUTATION = `mutation SegmentUpdate($id: ID!, $input: SegmentInput!) {
  updateSegment(id: $id, input: $input) {
    segment { ...SegmentFields }
  }
}
${SEGMENT_FIELDS}`;

export const ARCHIVE_SEGMENT_MUTATION = `mutation SegmentArchive($id: ID!) {
  archiveSegment(id: $id) {
    segment { id status }
  }
}`;

/** The contacts list's segment filter: every active segment by name. */
export const SEGMENT_FILTER_OPTIONS_QUERY = `query SegmentFilterOptions {
  segments { id name isBuiltin }
}`;
