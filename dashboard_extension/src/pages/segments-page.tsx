import { SegmentsListView } from "../segments/segments-list-view";

/** `/segments`: the segments with their members and trends. */
export const SegmentsPage = () => <SegmentsListView />;

export default SegmentsPage;
