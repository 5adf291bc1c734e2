/** The profile's recommendations card (validated by src/documents.test.ts). */

export const CONTACT_RECOMMENDATIONS_QUERY = /* GraphQL */ `
  query ContactRecommendationsCard($contactId: ID!, $channel: String!, $first: Int!, $language: String!) {
    contactRecommendations(contactId: $contactId, strategy: PERSONALISED, channel: $channel, first: $first, language: $language) {
      product {
        id
        name
        slug
        url
        image
        price
        currency
        category
      }
      reason
      score
    }
  }
`;
