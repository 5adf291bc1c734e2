/** The API keys' part of the settings screen: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import type { ApiKey, CreatedApiKey } from "./api-keys";
import { API_KEYS_QUERY, CREATE_API_KEY_MUTATION, REVOKE_API_KEY_MUTATION } from "./api-keys.documents";
import { settingsKey } from "./use-settings";

const KEY = settingsKey("apiKeys");

export const useApiKeys = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: KEY,
    queryFn: ({ signal }) => client.request<{ apiKeys: ApiKey[] }>(API_KEYS_QUERY, {}, { signal }).then((data) => data.apiKeys),
  });
};

/** Makes a key; the list gains it (its whole key stays only in what this resolves to). */
export const useCreateApiKey = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      client.request<{ createApiKey: CreatedApiKey }>(CREATE_API_KEY_MUTATION, { name }).then((data) => data.createApiKey),
    onSuccess: (created) =>
      queryClient.setQueryData<ApiKey[]>(KEY, (keys) => [created.apiKey, ...(keys ?? []).filter((k) => k.id !== created.apiKey.id)]),
  });
};

export const useRevokeApiKey = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.request<{ revokeApiKey: { apiKey: ApiKey } }>(REVOKE_API_KEY_MUTATION, { id }).then((data) => data.revokeApiKey.apiKey),
    onSuccess: (revoked) => queryClient.setQueryData<ApiKey[]>(KEY, (keys) => (keys ?? []).map((k) => (k.id === revoked.id ? revoked : k))),
    onError: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
};
