import { useParams } from "react-router-dom";

import { ContactProfileView } from "../contacts/contact-profile-view";

/** `/contacts/:contactId`: one contact's profile (keyed by id: another contact starts afresh). */
export const ContactPage = () => {
  const { contactId = "" } = useParams();
  return <ContactProfileView key={contactId} contactId={contactId} />;
};

export default ContactPage;
