import { ImportsView } from "../imports/imports-view";

/** `/imports`: contacts, consents and a suppression list from CSV. */
export const ImportsPage = () => <ImportsView />;

export default ImportsPage;
