import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../../providers/data-provider";
import { JOURNEYS_KEY, PRESETS_KEY } from "../query-keys";
import { INSTALL_PRESET_MUTATION, JOURNEY_PRESETS_QUERY } from "./presets.documents";

export type JourneyPreset = { key: string; name: string; description: string; definition: unknown; layout: unknown };

/** The presets ship with the app: they do not change while it runs. */
export const usePresets = () => {
  const client = useGraphQLClient();

  return useQuery({
    queryKey: PRESETS_KEY,
    queryFn: ({ signal }) =>
      client
        .request<{ journeyPresets: JourneyPreset[] }>(JOURNEY_PRESETS_QUERY, undefined, { signal })
        .then((data) => data.journeyPresets),
    staleTime: Number.POSITIVE_INFINITY,
  });
};

/** installJourneyPreset(key, asDraft: true): a new draft journey to edit before it goes live. */
export const useInstallPreset = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();

  return useMutation({
    mutationFn: (key: string) =>
      client
        .request<{ installJourneyPreset: { journey: { id: string; name: string } } }>(INSTALL_PRESET_MUTATION, { key })
        .then((data) => data.installJourneyPreset.journey),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: JOURNEYS_KEY }),
  });
};
