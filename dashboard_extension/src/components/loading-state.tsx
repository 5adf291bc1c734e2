import { Box, Spinner, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

export const LoadingState = ({ label }: { label: ReactNode }) => (
  <Box display="flex" alignItems="center" gap={3} role="status" aria-live="polite" padding={4} data-testid="loading">
    <Spinner />
    <Text size={4}>{label}</Text>
  </Box>
);
