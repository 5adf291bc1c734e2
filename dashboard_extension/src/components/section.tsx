import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

/** A titled, bordered part of a page (an h2, actions beside it, its content). */
export const Section = ({ title, children, testId, actions }: { title: ReactNode; children: ReactNode; testId: string; actions?: ReactNode }) => (
  <Box
    as="section"
    display="flex"
    flexDirection="column"
    gap={4}
    padding={6}
    borderStyle="solid"
    borderWidth={1}
    borderRadius={4}
    borderColor="default1"
    data-testid={testId}
  >
    <Box display="flex" justifyContent="space-between" alignItems="center" gap={4} flexWrap="wrap">
      <Text as="h2" size={7} fontWeight="bold">
        {title}
      </Text>
      {actions}
    </Box>
    {children}
  </Box>
);

/** A label over its value. */
export const Fact = ({ label, children, testId }: { label: ReactNode; children: ReactNode; testId: string }) => (
  <Box display="flex" flexDirection="column" gap={1} data-testid={testId}>
    <Text as="h3" size={2} color="default2" fontWeight="medium">
      {label}
    </Text>
    <Box>{children}</Box>
  </Box>
);
