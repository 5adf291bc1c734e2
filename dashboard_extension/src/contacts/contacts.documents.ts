/** The contacts screens' GraphQL documents (validated against schema.graphql by documents.test.ts). */

export const CONTACTS_QUERY = `query Contacts($first: Int!, $after: String, $search: String, $filter: ContactFilterInput, $sortBy: ContactSortField) {
  contacts(first: $first, after: $after, search: $search, filter: $filter, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        email
        firstName
        lastName
        country
        lifecycleStage
        emailConsent
        ordersCount
        lastOrderAt
        createdAt
        spend { currency total orders }
      }
    }
  }
}`;

export const CONTACT_QUERY = `query ContactProfile($id: ID!) {
  contact(id: $id) {
    id
    email
    saleorUserId
    firstName
    lastName
    country
    city
    languageCode
    timeZone
    lifecycleStage
    emailConsent
    smsConsent
    pushConsent
    postal { consent }
    ordersCount
    firstOrderAt
    lastOrderAt
    createdAt
    lastSeenAt
    lastEngagementAt
    emailOpens30d
    emailClicks30d
    favouriteCategories
    spend { currency total orders averageOrderValue }
    rfm { recency frequency monetary }
    predictedNextOrderAt
    predictionBasis
    predictions {
      status frequency recencyDays ageDays probabilityActive expectedOrders12m expectedNextOrderAt
      values { currency orders averageOrderValue expectedOrders12m expectedOrderValue clv12m }
      fits {
        model currency status params customers repeatCustomers spanDays
        minCustomers minRepeatCustomers minSpanDays fittedAt
      }
    }
    lastOrder {
      saleorId
      number
      status
      channel
      currency
      total
      placedAt
      creditedTo { via touchedAt journey template }
    }
    segmentMemberships { id segmentId enteredAt exitedAt }
  }
  segments(includeArchived: true) { id name }
}`;

export const CONTACT_TIMELINE_QUERY = `query ContactTimeline($id: ID!, $first: Int!, $after: String, $types: [String!]) {
  contact(id: $id) {
    id
    timeline(first: $first, after: $after, types: $types) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id type occurredAt source properties } }
    }
  }
}`;

export const EVENT_TYPES_QUERY = `query ContactEventTypes {
  eventTypes { type count }
}`;

export const CONTACT_RUNS_QUERY = `query ContactRuns($contactId: ID!) {
  contactRuns(contactId: $contactId) {
    id
    status
    node
    enteredAt
    exitedAt
    exitReason
    holdout
    version
    journey { id name }
    steps { at node kind detail }
  }
}`;

export const ENROL_JOURNEYS_QUERY = `query ContactEnrolJourneys {
  journeys { id name status currentVersion { definition } }
}`;

export const CONTACT_EXPORT_QUERY = `query ContactExport($id: ID!) {
  contactExport(id: $id)
}`;

export const ENROL_CONTACT_MUTATION = `mutation EnrolContact($contactId: ID!, $journeyId: ID!) {
  enrolContact(contactId: $contactId, journeyId: $journeyId) { run { id status node } }
}`;

export const ERASE_CONTACT_MUTATION = `mutation EraseContact($id: ID!) {
  eraseContact(id: $id) { erased }
}`;
