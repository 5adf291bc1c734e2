import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Text } from "@saleor/macaw-ui";
import type { MouseEvent, ReactNode } from "react";

import { type SaleorPage, saleorPath } from "../lib/saleor-links";

/** Opens one of Saleor's own pages in the Dashboard (App Bridge `redirect`). */
export const useSaleorRedirect = () => {
  const { appBridge } = useAppBridge();

  return (page: SaleorPage, newContext = false) => {
    appBridge?.dispatch(actions.Redirect({ to: saleorPath(page), newContext })).catch((error: unknown) => {
      console.warn("The Dashboard did not open the page", error);
    });
  };
};

/**
 * A link to a Saleor page. Its href is the Dashboard path (for the status bar and
 * assistive technology); a click asks the Dashboard to navigate.
 */
export const SaleorLink = ({ page, children, testId }: { page: SaleorPage; children: ReactNode; testId?: string }) => {
  const redirect = useSaleorRedirect();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    redirect(page, event.metaKey || event.ctrlKey);
  };

  return (
    <Text as="a" href={saleorPath(page)} onClick={onClick} color="accent1" textDecoration="underline" data-testid={testId}>
      {children}
    </Text>
  );
};
