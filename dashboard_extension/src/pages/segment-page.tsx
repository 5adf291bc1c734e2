import { useParams } from "react-router-dom";

import { SegmentEditorView } from "../segments/segment-editor-view";

/** `/segments/new` and `/segments/:segmentId`: the rules, the live count, revisions, history. */
export const SegmentPage = () => {
  const { segmentId } = useParams();
  return <SegmentEditorView key={segmentId ?? "new"} segmentId={segmentId ?? null} />;
};

export default SegmentPage;
