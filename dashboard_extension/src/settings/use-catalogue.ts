/** The catalogue's part of the settings screen: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import { type CatalogueSettings, type CatalogueSync, catalogueSyncActive, type WebhooksSyncReport } from "./catalogue";
import {
  CATALOGUE_SETTINGS_QUERY,
  CATALOGUE_SYNC_QUERY,
  RESTART_CATALOGUE_SYNC_MUTATION,
  UPDATE_CATALOGUE_SETTINGS_MUTATION,
  WEBHOOKS_SYNC_MUTATION,
} from "./catalogue.documents";
import { settingsKey } from "./use-settings";

/** Polled every second while the sync is pending or running. */
export const useCatalogueSync = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("catalogueSync"),
    queryFn: ({ signal }) =>
      client.request<{ catalogueSync: CatalogueSync | null }>(CATALOGUE_SYNC_QUERY, {}, { signal }).then((data) => data.catalogueSync),
    refetchInterval: (query) => (query.state.data !== undefined && catalogueSyncActive(query.state.data) ? 1000 : false),
  });
};

export const useRestartCatalogueSync = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      client
        .request<{ restartCatalogueSync: { catalogueSync: CatalogueSync } }>(RESTART_CATALOGUE_SYNC_MUTATION)
        .then((data) => data.restartCatalogueSync.catalogueSync),
    onSuccess: (sync) => queryClient.setQueryData(settingsKey("catalogueSync"), sync),
    onError: () => queryClient.invalidateQueries({ queryKey: settingsKey("catalogueSync") }),
  });
};

export const useCatalogueSettings = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("catalogueSettings"),
    queryFn: ({ signal }) =>
      client
        .request<{ catalogueSettings: CatalogueSettings }>(CATALOGUE_SETTINGS_QUERY, {}, { signal })
        .then((data) => data.catalogueSettings),
  });
};

/** Saves; resolves once the cache holds the API's answer (the form then starts from it). */
export const useSaveCatalogueSettings = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return async (input: Record<string, unknown>) => {
    const data = await client.request<{ updateCatalogueSettings: { settings: CatalogueSettings } }>(UPDATE_CATALOGUE_SETTINGS_MUTATION, { input });
    queryClient.setQueryData(settingsKey("catalogueSettings"), data.updateCatalogueSettings.settings);
  };
};

export const useWebhooksSync = () => {
  const client = useGraphQLClient();
  return useMutation({
    mutationFn: () => client.request<{ webhooksSync: { report: WebhooksSyncReport } }>(WEBHOOKS_SYNC_MUTATION).then((data) => data.webhooksSync.report),
  });
};
