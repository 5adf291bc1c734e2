import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../../providers/data-provider";
import { JOURNEYS_KEY } from "../query-keys";
import { CREATE_JOURNEY_MUTATION, JOURNEY_LIST_QUERY, SET_JOURNEY_STATUS_MUTATION } from "./journeys.documents";
import type { NodeCount } from "./journey-list";

export type JourneyRow = {
  id: string;
  name: string;
  status: string;
  updatedAt: string;
  currentVersion: { number: number; publishedAt: string } | null;
  nodeCounts: NodeCount[];
};

/** The shop's journeys; refreshed every 30 s while the list is open (its counts move). */
export const useJourneyList = () => {
  const client = useGraphQLClient();

  return useQuery({
    queryKey: JOURNEYS_KEY,
    queryFn: ({ signal }) =>
      client.request<{ journeys: JourneyRow[] }>(JOURNEY_LIST_QUERY, undefined, { signal }).then((data) => data.journeys),
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
  });
};

export const useCreateJourney = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();

  return useMutation({
    mutationFn: (name: string) =>
      client
        .request<{ createJourney: { journey: { id: string } } }>(CREATE_JOURNEY_MUTATION, { name })
        .then((data) => data.createJourney.journey),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: JOURNEYS_KEY }),
  });
};

export const useSetJourneyStatus = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();

  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: string }) =>
      client.request(SET_JOURNEY_STATUS_MUTATION, { id, status }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: JOURNEYS_KEY }),
  });
};
