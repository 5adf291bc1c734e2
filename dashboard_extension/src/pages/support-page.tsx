import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { FormattedMessage } from "react-intl";

import { env } from "../env";
import { pathFor } from "../lib/routes";
import { PageTitle } from "../shell/page-layout";
import { AppLink } from "../components/app-link";

const Section = ({ id, link }: { id: string; link?: ReactNode }) => (
  <Box as="section" display="flex" flexDirection="column" gap={3}>
    <Text as="h2" size={7} fontWeight="bold">
      <FormattedMessage id={`support.${id}.title`} />
    </Text>
    <Text as="p" size={4}>
      <FormattedMessage id={`support.${id}.text`} />
    </Text>
    {link}
  </Box>
);

const ExternalLink = ({ href, children }: { href: string; children: ReactNode }) => (
  <Text as="a" size={4} href={href} target="_blank" rel="noopener noreferrer" color="accent1" textDecoration="underline">
    {children}
  </Text>
);

/** The manifest's supportUrl: works inside and outside the Dashboard. */
export const SupportPage = () => {
  const repository = env.repositoryUrl;

  return (
    <Box as="article" display="flex" flexDirection="column" gap={6} __maxWidth="72ch" data-testid="support-page">
      <PageTitle>
        <FormattedMessage id="support.title" />
      </PageTitle>
      <Text as="p" size={5}>
        <FormattedMessage id="support.intro" />
      </Text>
      <Section
        id="issues"
        link={
          repository && (
            <ExternalLink href={`${repository}/issues`}>
              <FormattedMessage id="support.issues.link" />
            </ExternalLink>
          )
        }
      />
      <Section
        id="security"
        link={
          repository && (
            <ExternalLink href={`${repository}/blob/main/SECURITY.md`}>
              <FormattedMessage id="support.security.link" />
            </ExternalLink>
          )
        }
      />
      <Section id="data" />
      <Text size={4}>
        <AppLink to={pathFor({ name: "privacy" })}>
          <FormattedMessage id="support.privacyLink" />
        </AppLink>
      </Text>
    </Box>
  );
};
