import { Chip, Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { statusMessageId, statusTone } from "./journey-list";

const chipColors = {
  neutral: { backgroundColor: "default1", borderColor: "default1" },
  success: { backgroundColor: "success1", borderColor: "success1" },
  warning: { backgroundColor: "warning1", borderColor: "warning1" },
  muted: { backgroundColor: "default2", borderColor: "default1" },
} as const;

export const StatusChip = ({ status }: { status: string }) => {
  const tone = statusTone(status);

  return (
    <Chip size="large" {...chipColors[tone]} data-testid="journey-status" data-status={status}>
      <Text size={2}>
        <FormattedMessage id={statusMessageId(status)} />
      </Text>
    </Chip>
  );
};
