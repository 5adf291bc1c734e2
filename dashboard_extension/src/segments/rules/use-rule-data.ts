/** The rule builder's data: event types and segments from the app, the catalogue from Saleor. */
import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { saleorRequest } from "../../journeys/editor/saleor-queries";
import { useGraphQLClient } from "../../providers/data-provider";
import { RULE_EVENT_TYPES_QUERY, RULE_SEGMENTS_QUERY } from "./rules.documents";
import { type CatalogueItem, type CatalogueKind, catalogueNames, catalogueSearch } from "./saleor-catalogue";

export type { CatalogueKind };

export type RuleEventType = { type: string; count: number; properties: string[] };
export type RuleSegment = { id: string; key: string; name: string; memberCount: number };

export const useRuleEventTypes = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["segment-rules", "event-types"],
    queryFn: ({ signal }) => client.request<{ eventTypes: RuleEventType[] }>(RULE_EVENT_TYPES_QUERY, {}, { signal }),
    staleTime: 60_000,
  });
};

export const useRuleSegments = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["segment-rules", "segments"],
    queryFn: ({ signal }) => client.request<{ segments: RuleSegment[] }>(RULE_SEGMENTS_QUERY, {}, { signal }),
    staleTime: 30_000,
  });
};

/** The text once it has not changed for `ms` (searches are not sent per keystroke). */
export const useSettled = (text: string, ms = 300): string => {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text), ms);
    return () => window.clearTimeout(timer);
  }, [text, ms]);
  return settled;
};

const useSaleor = () => {
  const { appBridge } = useAppBridge();
  return <T,>(query: string, variables: Record<string, unknown>, signal?: AbortSignal) => {
    const state = appBridge?.getState();
    if (!state?.saleorApiUrl || !state.token) throw new Error("No Saleor API URL or token from the Dashboard");
    return saleorRequest<T>(
      { saleorApiUrl: state.saleorApiUrl, token: state.token },
      query,
      variables,
      (input, init) => window.fetch(input, init),
      signal,
    );
  };
};

/** Items of Saleor's catalogue matching a search (nothing is asked for an empty search). */
export const useCatalogueSearch = (kind: CatalogueKind, search: string) => {
  const request = useSaleor();
  const text = useSettled(search.trim());
  return useQuery({
    queryKey: ["segment-rules", "saleor-search", kind, text],
    enabled: text !== "",
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async ({ signal }): Promise<CatalogueItem[]> => {
      const { query, variables, items } = catalogueSearch(kind, text);
      return items((await request(query, variables, signal)) as never);
    },
  });
};

/** The names of saved ids (an id Saleor no longer has is absent from the answer). */
export const useCatalogueNames = (kind: CatalogueKind, ids: readonly string[]) => {
  const request = useSaleor();
  const sorted = [...ids].sort();
  return useQuery({
    queryKey: ["segment-rules", "saleor-names", kind, sorted],
    enabled: sorted.length > 0,
    retry: false,
    staleTime: 60_000,
    queryFn: async ({ signal }): Promise<CatalogueItem[]> => {
      const { query, variables, items } = catalogueNames(kind, sorted);
      return items((await request(query, variables, signal)) as never);
    },
  });
};
