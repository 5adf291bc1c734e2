/** The operations screen's data: react-query over the app's API. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import { type FailureCounts, type FailureKind, type FailurePage, PAGE_SIZE } from "./failures";
import {
  DISCARD_FAILURE_MUTATION,
  FAILURE_COUNTS_QUERY,
  FAILURES_QUERY,
  RETRY_FAILURE_MUTATION,
  SENDER_DOMAIN_CHECK_QUERY,
} from "./operations.documents";
import type { SenderDomainCheck } from "./sender-domain";

export const operationsKey = (...parts: unknown[]) => ["operations", ...parts] as const;

export const useFailureCounts = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: operationsKey("counts"),
    queryFn: ({ signal }) =>
      client.request<{ failureCounts: FailureCounts }>(FAILURE_COUNTS_QUERY, {}, { signal }).then((d) => d.failureCounts),
  });
};

export const useFailures = (kind: FailureKind) => {
  const client = useGraphQLClient();
  return useInfiniteQuery({
    queryKey: operationsKey("failures", kind),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      client
        .request<{ failures: FailurePage }>(FAILURES_QUERY, { kind, first: PAGE_SIZE, after: pageParam }, { signal })
        .then((d) => d.failures),
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
  });
};

export type FailureAction = "retry" | "discard";

/** Retry or discard one item; the counts are read again (the list drops the item itself). */
export const useFailureAction = (action: FailureAction) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: { kind: FailureKind; id: string }) =>
      client.request<unknown>(action === "retry" ? RETRY_FAILURE_MUTATION : DISCARD_FAILURE_MUTATION, variables),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: operationsKey("counts") });
    },
  });
};

/** The check runs on demand (it asks DNS servers): `run` with the selectors, null for the ESP's. */
export const useSenderDomainCheck = (selectors: string[] | null, runId: number) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: operationsKey("senderDomain", selectors, runId),
    enabled: runId > 0,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      client
        .request<{ senderDomainCheck: SenderDomainCheck }>(
          SENDER_DOMAIN_CHECK_QUERY,
          { dkimSelectors: selectors && selectors.length > 0 ? selectors : null },
          { signal },
        )
        .then((d) => d.senderDomainCheck),
  });
};
