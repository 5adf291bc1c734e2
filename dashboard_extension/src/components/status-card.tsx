import { Box } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

type Tone = "default" | "critical" | "success";

const borderColors = { default: "default1", critical: "critical1", success: "success1" } as const;

/** A bordered panel: a page's states, cards of the widget and the lists. */
export const StatusCard = ({
  tone = "default",
  children,
  testId,
}: {
  tone?: Tone;
  children: ReactNode;
  testId?: string;
}) => (
  <Box
    display="flex"
    flexDirection="column"
    gap={3}
    padding={6}
    borderStyle="solid"
    borderWidth={1}
    borderRadius={4}
    borderColor={borderColors[tone]}
    data-testid={testId}
  >
    {children}
  </Box>
);
