import { Box } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

type Tone = "default" | "critical" | "success";

const borderColors = { default: "default1", critical: "critical1", success: "success1" } as const;

/** A bordered panel used for every state of the home page. */
export const StatusCard = ({ tone = "default", children }: { tone?: Tone; children: ReactNode }) => (
  <Box
    display="flex"
    flexDirection="column"
    gap={3}
    padding={6}
    borderStyle="solid"
    borderWidth={1}
    borderRadius={4}
    borderColor={borderColors[tone]}
  >
    {children}
  </Box>
);
