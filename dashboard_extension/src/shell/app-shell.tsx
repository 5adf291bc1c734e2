import { Box } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";
import { Outlet, useLocation } from "react-router-dom";

import { LoadingState } from "../components/loading-state";
import { NotEmbeddedNotice } from "../components/not-embedded-notice";
import { useEmbedding } from "../hooks/use-embedding";
import { matchRoute, worksOutsideDashboard } from "../lib/routes";
import { PageLayout } from "./page-layout";
import { RoutingSync } from "./routing-sync";
import { ThemeSync } from "./theme-sync";

/**
 * The root route: waits for the Dashboard's handshake, then shows the page. Privacy and
 * support need no Dashboard; a widget has no frame of its own (it sits in a Saleor page).
 */
export const AppShell = () => {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const embedding = useEmbedding();
  const embedded = embedding.status === "embedded";

  const gate =
    embedding.status === "pending" ? (
      <LoadingState label={<FormattedMessage id="shell.connecting" />} />
    ) : embedding.status === "not-embedded" ? (
      <NotEmbeddedNotice reason={embedding.reason} />
    ) : null;
  const page = worksOutsideDashboard(route) ? <Outlet /> : (gate ?? <Outlet />);

  return (
    <>
      <ThemeSync />
      {embedded && <RoutingSync />}
      {route?.name === "customerWidget" ? (
        <Box backgroundColor="default1">{page}</Box>
      ) : (
        <PageLayout navigation={embedded}>{page}</PageLayout>
      )}
    </>
  );
};

/** Shown while the first page's code loads. */
export const ShellFallback = () => (
  <Box padding={8}>
    <LoadingState label={<FormattedMessage id="shell.loading" />} />
  </Box>
);
