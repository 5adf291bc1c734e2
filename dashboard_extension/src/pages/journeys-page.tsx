import { JourneysListView } from "../journeys/list/journeys-list-view";

export const JourneysPage = () => <JourneysListView />;
