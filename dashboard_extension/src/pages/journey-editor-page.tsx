import { Box, Text } from "@saleor/macaw-ui";
import { useParams } from "react-router-dom";

/** The journey editor (`/journeys/:journeyId`); the canvas lands in journeys/editor/. */
export const JourneyEditorPage = () => {
  const { journeyId } = useParams();

  return (
    <Box padding={6}>
      <Text size={8} as="h1">
        {journeyId}
      </Text>
    </Box>
  );
};

export default JourneyEditorPage;
