import { Box, Text } from "@saleor/macaw-ui";

/** Source or text shown as it is, in a scrolling block. */
export const Code = ({ children, testId, maxHeight = "320px" }: { children: string; testId: string; maxHeight?: string }) => (
  <Box as="pre" padding={3} borderRadius={3} backgroundColor="default2" overflow="auto" margin={0} __maxHeight={maxHeight} data-testid={testId} style={{ whiteSpace: "pre-wrap" }}>
    <Text size={2} fontFamily="Geist Mono" as="span">
      {children}
    </Text>
  </Box>
);
