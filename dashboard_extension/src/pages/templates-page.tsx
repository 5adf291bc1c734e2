import { TemplatesListView } from "../templates/templates-list-view";

/** `/templates`: the shop's email, SMS and push templates. */
export const TemplatesPage = () => <TemplatesListView />;

export default TemplatesPage;
