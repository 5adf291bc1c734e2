/** "Visible to storefronts": storefronts may then learn, for their current visitor only, whether
 * the visitor is in this segment (its key, in `personalisation.segments`); never its rules. */
import { Box, Checkbox, Text } from "@saleor/macaw-ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useIntl } from "react-intl";

import { useNotifyError } from "../hooks/use-notify";
import { useGraphQLClient } from "../providers/data-provider";
import type { SavedSegment } from "./editor";
import { SET_SEGMENT_STOREFRONT_VISIBLE_MUTATION } from "./storefront-visible.documents";
import { segmentsKey } from "./use-segments";

const useSetVisible = (id: string) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (visible: boolean) =>
      client.request<{ setSegmentStorefrontVisible: { segment: { id: string; storefrontVisible: boolean } } }>(
        SET_SEGMENT_STOREFRONT_VISIBLE_MUTATION,
        { id, visible },
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: segmentsKey("detail", id) }),
  });
};

export const StorefrontVisible = ({ segment, disabled }: { segment: SavedSegment; disabled: boolean }) => {
  const intl = useIntl();
  const notifyError = useNotifyError();
  const set = useSetVisible(segment.id);
  const checked = set.isPending ? set.variables === true : segment.storefrontVisible;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="segment-storefront">
      <Checkbox
        checked={checked}
        disabled={disabled || set.isPending}
        onCheckedChange={(value) =>
          set.mutate(value === true, {
            onError: (error) => notifyError(intl.formatMessage({ id: "segments.storefront.failed" }), error),
          })
        }
        data-testid="segment-storefront-toggle"
      >
        <Text size={3}>{intl.formatMessage({ id: "segments.storefront.label" })}</Text>
      </Checkbox>
      <Text size={2} color="default2">
        {intl.formatMessage({ id: "segments.storefront.help" }, { key: segment.key })}
      </Text>
    </Box>
  );
};
