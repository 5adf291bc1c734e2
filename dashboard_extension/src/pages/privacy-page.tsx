import { Box, Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { pathFor } from "../lib/routes";
import { PageTitle } from "../shell/page-layout";
import { AppLink } from "../components/app-link";

const SECTIONS = [
  {
    id: "stores",
    paragraphs: ["contacts", "consent", "events", "figures", "journeys"],
  },
  { id: "where", paragraphs: ["database", "providers"] },
  { id: "retention", paragraphs: ["contacts", "deliveries", "uninstall"] },
  { id: "erasure", paragraphs: ["when", "what", "access"] },
] as const;

/** The manifest's dataPrivacyUrl: works inside and outside the Dashboard. */
export const PrivacyPage = () => (
  <Box as="article" display="flex" flexDirection="column" gap={6} __maxWidth="72ch" data-testid="privacy-page">
    <PageTitle>
      <FormattedMessage id="privacy.title" />
    </PageTitle>
    <Text as="p" size={5}>
      <FormattedMessage id="privacy.intro" />
    </Text>
    {SECTIONS.map((section) => (
      <Box as="section" key={section.id} display="flex" flexDirection="column" gap={3}>
        <Text as="h2" size={7} fontWeight="bold">
          <FormattedMessage id={`privacy.${section.id}.title`} />
        </Text>
        <Box as="ul" display="flex" flexDirection="column" gap={2} paddingLeft={6}>
          {section.paragraphs.map((paragraph) => (
            <Box as="li" key={paragraph}>
              <Text size={4}>
                <FormattedMessage id={`privacy.${section.id}.${paragraph}`} />
              </Text>
            </Box>
          ))}
        </Box>
      </Box>
    ))}
    <Text size={4}>
      <AppLink to={pathFor({ name: "support" })}>
        <FormattedMessage id="privacy.supportLink" />
      </AppLink>
    </Text>
  </Box>
);
