import { Text } from "@saleor/macaw-ui";

import { describeNotEmbeddedReason, NOT_EMBEDDED_MESSAGE, type NotEmbeddedReason } from "../lib/embedding";
import { StatusCard } from "./status-card";

export const NotEmbeddedNotice = ({ reason }: { reason: NotEmbeddedReason }) => (
  <StatusCard tone="critical">
    <Text as="h2" size={6} fontWeight="bold">
      {NOT_EMBEDDED_MESSAGE}
    </Text>
    <Text size={3} color="default2">
      {describeNotEmbeddedReason(reason)}
    </Text>
  </StatusCard>
);
