import { ProgrammesListView } from "../programmes/programmes-list-view";

/** `/programmes`: surveys and prize draws. */
export const ProgrammesPage = () => <ProgrammesListView />;

export default ProgrammesPage;
