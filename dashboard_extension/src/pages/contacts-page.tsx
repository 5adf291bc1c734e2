import { ContactsListView } from "../contacts/contacts-list-view";

/** `/contacts`: search, filter and page through the shop's contacts. */
export const ContactsPage = () => <ContactsListView />;

export default ContactsPage;
