import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { NavLink } from "react-router-dom";

import { pathFor } from "../lib/routes";

const NavItem = ({ to, end, children, testId }: { to: string; end?: boolean; children: ReactNode; testId: string }) => (
  <NavLink to={to} end={end} data-testid={testId} style={{ textDecoration: "none" }}>
    {({ isActive }) => (
      // default1 either way: macaw's default2 is under 4.5:1 on the dark theme's background
      <Text size={4} fontWeight={isActive ? "bold" : "regular"} color="default1" textDecoration={isActive ? "none" : "underline"}>
        {children}
      </Text>
    )}
  </NavLink>
);

/** The app's frame: its name, the navigation (inside the Dashboard) and the page. */
export const PageLayout = ({ children, navigation }: { children: ReactNode; navigation: boolean }) => {
  const intl = useIntl();

  return (
    <Box display="flex" flexDirection="column" gap={6} padding={8} backgroundColor="default1" minHeight="100%">
      <Box as="header" display="flex" flexWrap="wrap" alignItems="center" gap={6}>
        <Text size={6} fontWeight="bold" color="default2">
          <FormattedMessage id="shell.appName" />
        </Text>
        {navigation && (
          <Box as="nav" aria-label={intl.formatMessage({ id: "shell.nav.label" })} display="flex" flexWrap="wrap" columnGap={5} rowGap={2}>
            <NavItem to={pathFor({ name: "overview" })} end testId="nav-overview">
              <FormattedMessage id="shell.nav.overview" />
            </NavItem>
            <NavItem to={pathFor({ name: "journeys" })} end testId="nav-journeys">
              <FormattedMessage id="shell.nav.journeys" />
            </NavItem>
            <NavItem to={pathFor({ name: "presets" })} testId="nav-presets">
              <FormattedMessage id="shell.nav.presets" />
            </NavItem>
            <NavItem to={pathFor({ name: "analytics" })} testId="nav-analytics">
              <FormattedMessage id="analytics.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "settings" })} testId="nav-settings">
              <FormattedMessage id="settings.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "segments" })} testId="nav-segments">
              <FormattedMessage id="segments.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "broadcasts" })} testId="nav-broadcasts">
              <FormattedMessage id="broadcasts.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "programmes" })} testId="nav-programmes">
              <FormattedMessage id="programmes.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "postal" })} testId="nav-postal">
              <FormattedMessage id="postal.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "contacts" })} testId="nav-contacts">
              <FormattedMessage id="contacts.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "templates" })} testId="nav-templates">
              <FormattedMessage id="templates.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "operations" })} testId="nav-operations">
              <FormattedMessage id="operations.nav" />
            </NavItem>
            <NavItem to={pathFor({ name: "imports" })} testId="nav-imports">
              <FormattedMessage id="imports.nav" />
            </NavItem>
          </Box>
        )}
      </Box>
      <Box as="main" display="flex" flexDirection="column" gap={6}>
        {children}
      </Box>
    </Box>
  );
};

/** A page's heading: the one h1 of the page. */
export const PageTitle = ({ children, actions }: { children: ReactNode; actions?: ReactNode }) => (
  <Box display="flex" flexWrap="wrap" alignItems="center" justifyContent="space-between" gap={4}>
    <Text as="h1" size={9} fontWeight="bold">
      {children}
    </Text>
    {actions && (
      <Box display="flex" gap={3} alignItems="center">
        {actions}
      </Box>
    )}
  </Box>
);
