import { Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { type NotEmbeddedReason, notEmbeddedMessageId } from "../lib/embedding";
import { StatusCard } from "./status-card";

export const NotEmbeddedNotice = ({ reason }: { reason: NotEmbeddedReason }) => (
  <StatusCard tone="critical" testId="not-embedded">
    <Text as="h2" size={6} fontWeight="bold">
      <FormattedMessage id="shell.notEmbedded.title" />
    </Text>
    <Text size={3} color="default2">
      <FormattedMessage id={notEmbeddedMessageId(reason)} />
    </Text>
  </StatusCard>
);
