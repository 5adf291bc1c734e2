import { Box, Spinner, Text } from "@saleor/macaw-ui";

import { StatusCard } from "./status-card";

export const LoadingState = ({ label }: { label: string }) => (
  <StatusCard>
    <Box display="flex" alignItems="center" gap={3} role="status" aria-live="polite">
      <Spinner />
      <Text size={4}>{label}</Text>
    </Box>
  </StatusCard>
);
