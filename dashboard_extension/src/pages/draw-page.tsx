import { useParams } from "react-router-dom";

import { DrawView } from "../programmes/draw-view";

/** `/draws/:drawId`: one prize draw, its winners once drawn (keyed by id). */
export const DrawPage = () => {
  const { drawId = "" } = useParams();
  return <DrawView key={drawId} drawId={drawId} />;
};

export default DrawPage;
