import { Chip, Text } from "@saleor/macaw-ui";
import { FormattedMessage } from "react-intl";

import { consentMessageId, consentTone, stageMessageId } from "../widgets/customer-widget";

const toneColors = {
  success: { backgroundColor: "success1", borderColor: "success1" },
  warning: { backgroundColor: "warning1", borderColor: "warning1" },
  critical: { backgroundColor: "critical1", borderColor: "critical1" },
  neutral: { backgroundColor: "default1", borderColor: "default1" },
} as const;

/** A consent as a chip in its tone (the customer widget's labels), with its channel if given. */
export const ConsentChip = ({ consent, channel, testId }: { consent: string; channel?: "email" | "sms" | "push" | "postal"; testId?: string }) => (
  <Chip size="large" {...toneColors[consentTone(consent)]} data-testid={testId} data-consent={consent}>
    <Text size={2}>
      {channel && (
        <>
          <FormattedMessage id={`widget.channel.${channel}`} />
          {": "}
        </>
      )}
      <FormattedMessage id={consentMessageId(consent)} />
    </Text>
  </Chip>
);

export const StageText = ({ stage }: { stage: string }) => (
  <Text size={3} data-stage={stage}>
    <FormattedMessage id={stageMessageId(stage)} />
  </Text>
);
