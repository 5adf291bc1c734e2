import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Text } from "@saleor/macaw-ui";
import type { MouseEvent } from "react";
import { useIntl } from "react-intl";

import { dashboardProfilePath } from "./links";

/** A link from outside the app (the customer widget) to the contact's profile in the app: the
 * Dashboard navigates (App Bridge `redirect`); absent until the Dashboard has named the app. */
export const ProfileLink = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const { appBridge, appBridgeState } = useAppBridge();
  const appId = appBridgeState?.id;
  if (!appId) return null;
  const to = dashboardProfilePath(appId, contactId);
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    appBridge?.dispatch(actions.Redirect({ to, newContext: event.metaKey || event.ctrlKey })).catch((error: unknown) => {
      console.warn("The Dashboard did not open the profile", error);
    });
  };
  return (
    <Text as="a" href={to} onClick={onClick} color="accent1" textDecoration="underline" size={3} data-testid="widget-profile-link">
      {intl.formatMessage({ id: "contacts.widget.openProfile" })}
    </Text>
  );
};
