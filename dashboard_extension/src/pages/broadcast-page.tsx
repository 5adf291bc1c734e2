import { useParams } from "react-router-dom";

import { BroadcastView } from "../broadcasts/broadcast-view";

/** `/broadcasts/:journeyId`: one broadcast's progress and controls (keyed by id). */
export const BroadcastPage = () => {
  const { journeyId = "" } = useParams();
  return <BroadcastView key={journeyId} journeyId={journeyId} />;
};

export default BroadcastPage;
