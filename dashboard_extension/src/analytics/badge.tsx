import { Chip, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import type { BadgeTone } from "./verdicts";

const colors = {
  success: { backgroundColor: "success1", borderColor: "success1" },
  critical: { backgroundColor: "critical1", borderColor: "critical1" },
  warning: { backgroundColor: "warning1", borderColor: "warning1" },
  neutral: { backgroundColor: "default1", borderColor: "default1" },
} as const;

/** A verdict as a chip: its tone in colour, its words in text (never colour alone). */
export const Badge = ({ tone, children, testId }: { tone: BadgeTone; children: ReactNode; testId?: string }) => (
  <Chip size="large" {...colors[tone]} data-testid={testId} data-tone={tone}>
    <Text size={2} fontWeight="medium">
      {children}
    </Text>
  </Chip>
);
