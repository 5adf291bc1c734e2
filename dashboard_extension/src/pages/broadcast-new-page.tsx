import { useIntl } from "react-intl";

import { NewBroadcastForm } from "../broadcasts/new-broadcast-form";
import { PageTitle } from "../shell/page-layout";

/** `/broadcasts/new`: a broadcast chosen, tested and launched. */
export const BroadcastNewPage = () => {
  const intl = useIntl();
  return (
    <>
      <PageTitle>{intl.formatMessage({ id: "broadcasts.new.title" })}</PageTitle>
      <NewBroadcastForm />
    </>
  );
};

export default BroadcastNewPage;
