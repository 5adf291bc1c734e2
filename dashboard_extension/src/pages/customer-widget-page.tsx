import { CustomerWidgetView } from "../widgets/customer-widget-view";

export const CustomerWidgetPage = () => <CustomerWidgetView />;
