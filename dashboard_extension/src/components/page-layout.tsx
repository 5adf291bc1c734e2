import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

export const PageLayout = ({ children }: { children: ReactNode }) => (
  <Box display="flex" flexDirection="column" gap={6} padding={8} backgroundColor="default1" minHeight="100%">
    <Text as="h1" size={9} fontWeight="bold">
      Marketing Automation
    </Text>
    {children}
  </Box>
);
