import { useParams } from "react-router-dom";

import { TemplateView } from "../templates/template-view";

/** `/templates/:templateId`: one template (keyed by id: another template starts afresh). */
export const TemplatePage = () => {
  const { templateId = "" } = useParams();
  return <TemplateView key={templateId} templateId={templateId} />;
};

export default TemplatePage;
