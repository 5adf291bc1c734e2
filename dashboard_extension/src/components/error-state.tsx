import { Box, Button, Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { presentError } from "../lib/error-presentation";
import { GraphQLRequestError } from "../lib/graphql";
import { StatusCard } from "./status-card";

/** A failed load, with the API's message and a retry. */
export const ErrorState = ({ error, onRetry }: { error: unknown; onRetry: () => void }) => {
  const { titleId, text } =
    error instanceof GraphQLRequestError
      ? presentError(error.failure)
      : { titleId: "shell.error.generic", text: error instanceof Error ? error.message : String(error) };

  return (
    <StatusCard tone="critical" testId="error-state">
      <Box role="alert" display="flex" flexDirection="column" gap={2}>
        <Text as="h2" size={6} fontWeight="bold" color="critical1">
          <FormattedMessage id={titleId} />
        </Text>
        <Text size={3}>{text}</Text>
      </Box>
      <Box>
        <Button variant="secondary" onClick={onRetry}>
          <FormattedMessage id="shell.error.retry" />
        </Button>
      </Box>
    </StatusCard>
  );
};
