/** The contact profile's consent ledger (`Contact.consentLedger`), validated against
 * schema.graphql by src/documents.test.ts. */

export const CONTACT_CONSENT_LEDGER_QUERY = /* GraphQL */ `
  query ContactConsentLedger($id: ID!) {
    contact(id: $id) {
      id
      consentLedger {
        channel
        action
        source
        textVersion
        ipAddress
        occurredAt
      }
    }
  }
`;
