import { useParams } from "react-router-dom";

import { JourneyEditor } from "../journeys/editor/editor-page";

/** `/journeys/:journeyId`: the journey editor (its own lazily loaded chunk). */
export const JourneyEditorPage = () => {
  const { journeyId } = useParams();

  return journeyId ? <JourneyEditor key={journeyId} journeyId={journeyId} /> : null;
};

export default JourneyEditorPage;
