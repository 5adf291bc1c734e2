/** The contact's postal consent, for its profile card, and the admin's change of it (validated
 * against schema.graphql by src/documents.test.ts). */
const POSTAL = "postal { consent changedAt source textVersion evidence recordedBy hasAddress }";

export const CONTACT_POSTAL_QUERY = `query ContactPostal($id: ID!) {
  contact(id: $id) { id ${POSTAL} }
}`;

export const SET_CONTACT_POSTAL_CONSENT_MUTATION = `mutation SetContactPostalConsent($contactId: ID!, $granted: Boolean!, $evidence: String) {
  setContactPostalConsent(contactId: $contactId, granted: $granted, evidence: $evidence) { ${POSTAL} }
}`;
