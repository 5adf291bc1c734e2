/** The postal batches screen's data: react-query over the app's API, the CSV as a download. */
import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import { fetchBatchCsv, type PostalBatch } from "./batches";
import { MARK_POSTAL_BATCH_SENT_MUTATION, POSTAL_BATCHES_QUERY } from "./postal.documents";

export const postalKey = (...parts: unknown[]) => ["postal", ...parts] as const;

export const usePostalBatches = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: postalKey("batches"),
    queryFn: ({ signal }) =>
      client.request<{ postalBatches: PostalBatch[] }>(POSTAL_BATCHES_QUERY, {}, { signal }).then((d) => d.postalBatches),
  });
};

export const useMarkSent = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.request<{ markPostalBatchSent: { batch: PostalBatch } }>(MARK_POSTAL_BATCH_SENT_MUTATION, { id }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: postalKey() }),
  });
};

/** The CSV (which closes an open batch: the list is read again after it). */
export const useBatchCsv = () => {
  const { appBridge } = useAppBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (csvPath: string) => {
      if (!appBridge) throw new Error("The batch's CSV needs the Dashboard (App Bridge)");
      return fetchBatchCsv({ csvPath, origin: window.location.origin, bridge: appBridge, fetch: (url, init) => window.fetch(url, init) });
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: postalKey() }),
  });
};
