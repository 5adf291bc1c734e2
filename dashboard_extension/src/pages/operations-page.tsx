import { OperationsView } from "../operations/operations-view";

/** `/operations`: failed deliveries, runs and messages; the sender domain's SPF, DKIM and DMARC. */
export const OperationsPage = () => <OperationsView />;

export default OperationsPage;
