import { BroadcastsListView } from "../broadcasts/broadcasts-list-view";

/** `/broadcasts`: every broadcast with its state and progress. */
export const BroadcastsPage = () => <BroadcastsListView />;

export default BroadcastsPage;
