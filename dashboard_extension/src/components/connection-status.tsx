import { Text } from "@saleor/macaw-ui";

import { describeConnection, type Installation } from "../lib/installation";
import { StatusCard } from "./status-card";

export const ConnectionStatus = ({ installation }: { installation: Installation }) => (
  <StatusCard tone="success">
    <Text as="h2" size={6} fontWeight="bold">
      {describeConnection(installation)}
    </Text>
    <Text size={3} color="default2">
      Contacts, segments and journeys will appear here.
    </Text>
  </StatusCard>
);
