/** The analytics screens' data: react-query over the app's API. */
import { useQuery } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import {
  ANALYTICS_OVERVIEW_QUERY,
  BROADCAST_ANALYTICS_QUERY,
  EDITOR_NODE_ANALYTICS_QUERY,
  JOURNEY_ANALYTICS_QUERY,
} from "./analytics.documents";
import type { DayRange } from "./date-range";
import type { NodeFiguresInput } from "./node-figures";
import type { AnalyticsOverview, BroadcastAnalytics, JourneyAnalytics } from "./types";

export const analyticsKey = (...parts: unknown[]) => ["analytics", ...parts] as const;

export const useAnalyticsOverview = (range: DayRange | null, compare: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: analyticsKey("overview", range, compare),
    enabled: range !== null,
    queryFn: ({ signal }) =>
      client
        .request<{ analyticsOverview: AnalyticsOverview }>(ANALYTICS_OVERVIEW_QUERY, { ...range, compare }, { signal })
        .then((data) => data.analyticsOverview),
    placeholderData: (previous) => previous,
  });
};

export type AnalyticsJourney = {
  id: string;
  name: string;
  draft: Record<string, unknown>;
  currentVersion: { number: number; definition: Record<string, unknown> } | null;
};

export const useJourneyAnalytics = (journeyId: string, range: DayRange | null, compare: boolean, version: number | null) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: analyticsKey("journey", journeyId, range, compare, version),
    enabled: range !== null,
    queryFn: ({ signal }) =>
      client.request<{ journey: AnalyticsJourney | null; journeyAnalytics: JourneyAnalytics | null }>(
        JOURNEY_ANALYTICS_QUERY,
        { journeyId, ...range, compare, version },
        { signal },
      ),
    placeholderData: (previous) => previous,
  });
};

export const useBroadcastAnalytics = (journeyId: string, enabled: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: analyticsKey("broadcast", journeyId),
    enabled,
    queryFn: ({ signal }) =>
      client
        .request<{ broadcastAnalytics: BroadcastAnalytics | null }>(BROADCAST_ANALYTICS_QUERY, { journeyId }, { signal })
        .then((data) => data.broadcastAnalytics),
  });
};

/** The canvas's figures: one query, after the editor has loaded, never blocking it (errors are
 * not shown: the canvas is usable without its figures). */
export const useNodeAnalytics = (journeyId: string, range: DayRange, enabled: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: analyticsKey("nodes", journeyId, range),
    enabled,
    retry: false,
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      client
        .request<{ journeyAnalytics: NodeFiguresInput | null }>(EDITOR_NODE_ANALYTICS_QUERY, { journeyId, ...range }, { signal })
        .then((data) => data.journeyAnalytics),
  });
};
