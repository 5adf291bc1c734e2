/** The segments screens' data: react-query over the app's API. A query's `signal` cancels the
 * request it replaces (the preview of rules changed again while one was on its way). */
import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { GraphQLClient } from "../lib/graphql";
import { useGraphQLClient } from "../providers/data-provider";
import type { Draft, SavedSegment } from "./editor";
import { saveInput } from "./editor";
import { HISTORY_PAGE_SIZE, type HistoryMembership, nextHistoryCursor } from "./history";
import type { SegmentListItem } from "./list";
import { fetchMembersCsv } from "./members-csv";
import { type PreviewResult, SAMPLE_SIZE } from "./preview";
import type { Definition } from "./rules/model";
import {
  ARCHIVE_SEGMENT_MUTATION,
  CREATE_SEGMENT_MUTATION,
  SEGMENT_DETAIL_QUERY,
  SEGMENT_EDITOR_PREVIEW_QUERY,
  SEGMENT_FILTER_OPTIONS_QUERY,
  SEGMENT_HISTORY_QUERY,
  SEGMENTS_LIST_QUERY,
  UPDATE_SEGMENT_MUTATION,
} from "./segments.documents";

export const segmentsKey = (...parts: unknown[]) => ["segments", ...parts] as const;

export const useSegmentList = (includeArchived: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: segmentsKey("list", includeArchived),
    queryFn: ({ signal }) =>
      client.request<{ segments: SegmentListItem[] }>(SEGMENTS_LIST_QUERY, { includeArchived }, { signal }).then((d) => d.segments),
    placeholderData: (previous) => previous,
  });
};

export const useSegment = (id: string | null) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: segmentsKey("detail", id),
    enabled: id !== null,
    queryFn: ({ signal }) =>
      client.request<{ segment: SavedSegment | null }>(SEGMENT_DETAIL_QUERY, { id }, { signal }).then((d) => d.segment),
  });
};

type PreviewClient = Pick<GraphQLClient, "request">;

/**
 * The live count of a definition; `key` is its JSON (the query key), null: none to ask about.
 * The request takes the query's signal: when the key changes (newer rules), the query of the
 * older ones has no observer left and react-query aborts its request.
 */
export const previewQueryOptions = (client: PreviewClient, definition: Definition | null, key: string | null) => ({
  queryKey: segmentsKey("preview", key),
  enabled: definition !== null,
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    client
      .request<{ segmentPreview: PreviewResult }>(SEGMENT_EDITOR_PREVIEW_QUERY, { definition, sampleSize: SAMPLE_SIZE }, { signal })
      .then((d) => ({ ...d.segmentPreview, key })),
  placeholderData: <T>(previous: T | undefined) => previous,
  staleTime: 10_000,
});

export const useSegmentPreview = (definition: Definition | null, key: string | null) => {
  const client = useGraphQLClient();
  return useQuery(previewQueryOptions(client, definition, key));
};

export const useSegmentHistory = (id: string | null) => {
  const client = useGraphQLClient();
  return useInfiniteQuery({
    queryKey: segmentsKey("history", id),
    enabled: id !== null,
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      client
        .request<{ segment: { history: HistoryMembership[] } | null }>(
          SEGMENT_HISTORY_QUERY,
          { id, first: HISTORY_PAGE_SIZE, before: pageParam },
          { signal },
        )
        .then((d) => d.segment?.history ?? []),
    getNextPageParam: (last) => nextHistoryCursor(last, HISTORY_PAGE_SIZE) ?? undefined,
  });
};

/** createSegment for a new segment, updateSegment for a saved one. */
export const useSaveSegment = (id: string | null) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (draft: Draft) =>
      id === null
        ? client.request<{ createSegment: { segment: SavedSegment } }>(CREATE_SEGMENT_MUTATION, { input: saveInput(draft) }).then((d) => d.createSegment.segment)
        : client
            .request<{ updateSegment: { segment: SavedSegment } }>(UPDATE_SEGMENT_MUTATION, { id, input: saveInput(draft) })
            .then((d) => d.updateSegment.segment),
    onSuccess: (segment) => {
      queryClient.setQueryData(segmentsKey("detail", segment.id), segment);
      void queryClient.invalidateQueries({ queryKey: segmentsKey("list") });
      void queryClient.invalidateQueries({ queryKey: segmentsKey("history", segment.id) });
    },
  });
};

export const useArchiveSegment = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.request<{ archiveSegment: { segment: { id: string; status: string } } }>(ARCHIVE_SEGMENT_MUTATION, { id }),
    onSuccess: (_data, id) => {
      void queryClient.invalidateQueries({ queryKey: segmentsKey("detail", id) });
      void queryClient.invalidateQueries({ queryKey: segmentsKey("list") });
    },
  });
};

export const useMembersCsv = () => {
  const { appBridge } = useAppBridge();
  return useMutation({
    mutationFn: (segmentId: string) => {
      if (!appBridge) throw new Error("The members CSV needs the Dashboard (App Bridge)");
      return fetchMembersCsv({ segmentId, origin: window.location.origin, bridge: appBridge, fetch: (url, init) => window.fetch(url, init) });
    },
  });
};

export type SegmentOption = { id: string; name: string; isBuiltin: boolean };

/** The active segments by name (the contacts list's segment filter). */
export const useSegmentOptions = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: segmentsKey("options"),
    staleTime: 60_000,
    queryFn: ({ signal }) => client.request<{ segments: SegmentOption[] }>(SEGMENT_FILTER_OPTIONS_QUERY, {}, { signal }).then((d) => d.segments),
  });
};
