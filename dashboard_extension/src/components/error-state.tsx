import { Box, Button, Text } from "@saleor/macaw-ui";

import { presentError } from "../lib/error-presentation";
import type { GraphQLFailure } from "../lib/graphql";
import { StatusCard } from "./status-card";

export const ErrorState = ({ failure, onRetry }: { failure: GraphQLFailure; onRetry: () => void }) => {
  const { title, text } = presentError(failure);

  return (
    <StatusCard tone="critical">
      <Box role="alert" display="flex" flexDirection="column" gap={2}>
        <Text as="h2" size={6} fontWeight="bold" color="critical1">
          {title}
        </Text>
        <Text size={3}>{text}</Text>
      </Box>
      <Box>
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      </Box>
    </StatusCard>
  );
};
