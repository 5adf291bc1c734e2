/** The editor's data: react-query over the app's API (H2's client) and Saleor's own API. */
import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useQuery } from "@tanstack/react-query";

import { useGraphQLClient } from "../../providers/data-provider";
import {
  CONTACT_SEARCH_QUERY,
  EDITOR_JOURNEY_QUERY,
  EDITOR_NODE_COUNTS_QUERY,
  EVENT_TYPES_QUERY,
  SEGMENTS_QUERY,
  STATIC_LISTS_QUERY,
  TEMPLATE_PREVIEW_QUERY,
  TEMPLATES_QUERY,
} from "./editor.documents";
import type { NodeCountRow } from "./counts";
import { REFRESH_MS } from "./counts";
import type { SaleorChannel, SaleorProduct } from "./saleor-queries";
import { SALEOR_CHANNELS_QUERY, SALEOR_PRODUCTS_QUERY, saleorRequest } from "./saleor-queries";
import type { Definition, Layout } from "./types";

export type EditorJourney = {
  id: string;
  key: string;
  name: string;
  status: string;
  draft: Definition;
  layout: Layout | null;
  updatedAt: string;
  currentVersion: { number: number; definition: Definition; layout: Layout | null; publishedAt: string } | null;
};

export const journeyKey = (id: string) => ["journey-editor", id] as const;

export const useEditorJourney = (id: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: journeyKey(id),
    queryFn: ({ signal }) => client.request<{ journey: EditorJourney | null }>(EDITOR_JOURNEY_QUERY, { id }, { signal }),
    // The editor owns the draft once loaded: a refetch must not overwrite the admin's edits.
    staleTime: Infinity,
    refetchOnMount: "always",
  });
};

export const useNodeCounts = (id: string, polling: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["journey-editor-counts", id],
    queryFn: ({ signal }) =>
      client.request<{ journey: { status: string; updatedAt: string; nodeCounts: NodeCountRow[] } | null }>(
        EDITOR_NODE_COUNTS_QUERY,
        { id },
        { signal },
      ),
    refetchInterval: polling ? REFRESH_MS : false,
    staleTime: 0,
  });
};

export type TemplateOption = { id: string; key: string; name: string; channel: string; defaultLanguage: string };
export const useTemplates = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-templates"],
    queryFn: ({ signal }) => client.request<{ templates: TemplateOption[] }>(TEMPLATES_QUERY, {}, { signal }),
  });
};

export const useTemplatePreview = (templateId: string | null) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-template-preview", templateId],
    enabled: templateId !== null,
    queryFn: ({ signal }) =>
      client.request<{ templatePreview: { subject: string; html: string; text: string; errors: { message: string }[] } }>(
        TEMPLATE_PREVIEW_QUERY,
        { templateId },
        { signal },
      ),
  });
};

export type SegmentOption = { id: string; name: string; memberCount: number; status: string };
export const useSegments = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-segments"],
    queryFn: ({ signal }) => client.request<{ segments: SegmentOption[] }>(SEGMENTS_QUERY, {}, { signal }),
  });
};

export type EventTypeOption = { type: string; count: number; lastSeenAt: string | null; properties: unknown };
export const useEventTypes = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-event-types"],
    queryFn: ({ signal }) => client.request<{ eventTypes: EventTypeOption[] }>(EVENT_TYPES_QUERY, {}, { signal }),
  });
};

export type ListOption = { key: string; name: string; memberCount: number };
export const useStaticLists = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-static-lists"],
    queryFn: ({ signal }) => client.request<{ staticLists: ListOption[] }>(STATIC_LISTS_QUERY, {}, { signal }),
  });
};

export type ContactOption = { id: string; email: string | null; firstName: string; lastName: string };
export const useContactSearch = (search: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["editor-contacts", search],
    queryFn: ({ signal }) =>
      client.request<{ contacts: { edges: { node: ContactOption }[] } }>(CONTACT_SEARCH_QUERY, { search: search || null }, { signal }),
  });
};

const useSaleor = () => {
  const { appBridge } = useAppBridge();
  return <T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal) => {
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

export const useSaleorChannels = () => {
  const request = useSaleor();
  return useQuery({
    queryKey: ["saleor-channels"],
    queryFn: ({ signal }) => request<{ channels: SaleorChannel[] | null }>(SALEOR_CHANNELS_QUERY, {}, signal),
    retry: false,
  });
};

export const useSaleorProducts = (search: string, ids: string[]) => {
  const request = useSaleor();
  return useQuery({
    queryKey: ["saleor-products", search, ids],
    queryFn: ({ signal }) =>
      request<{ products: { edges: { node: SaleorProduct }[] } | null }>(
        SALEOR_PRODUCTS_QUERY,
        { search: search || null, ids: search ? null : ids.length ? ids : null },
        signal,
      ),
    retry: false,
  });
};
