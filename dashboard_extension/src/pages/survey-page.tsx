import { useParams } from "react-router-dom";

import { SurveyView } from "../programmes/survey-view";

/** `/surveys/:surveyId`: one survey's results and settings (keyed by id). */
export const SurveyPage = () => {
  const { surveyId = "" } = useParams();
  return <SurveyView key={surveyId} surveyId={surveyId} />;
};

export default SurveyPage;
