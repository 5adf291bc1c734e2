/** The settings screen's data: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import { backfillActive } from "./backfill";
import type { ConsentText } from "./consent-texts";
import {
  ADD_CONSENT_TEXT_MUTATION,
  BACKFILL_STATUS_QUERY,
  CONSENT_TEXTS_QUERY,
  CREATE_OFFER_MUTATION,
  DELETE_OFFER_MUTATION,
  OFFERS_QUERY,
  REFRESH_SHOP_NAME_MUTATION,
  RESTART_BACKFILL_MUTATION,
  SET_OFFER_ACTIVE_MUTATION,
  SETTINGS_QUERY,
  UPDATE_APP_SETTINGS_MUTATION,
  UPDATE_EMAIL_PROVIDER_MUTATION,
  UPDATE_OFFER_MUTATION,
  UPDATE_PUSH_SETTINGS_MUTATION,
  UPDATE_SMS_PROVIDER_MUTATION,
} from "./settings.documents";
import type { AppSettings, BackfillStatus, EmailProvider, Offer, PushSettings, SettingsScreen, SmsProvider } from "./types";

export const settingsKey = (...parts: unknown[]) => ["settings", ...parts] as const;

export const useSettingsScreen = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("screen"),
    queryFn: ({ signal }) => client.request<SettingsScreen>(SETTINGS_QUERY, {}, { signal }),
  });
};

export const useOffers = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("offers"),
    queryFn: ({ signal }) => client.request<{ offers: Offer[]; shopTimeZone: string }>(OFFERS_QUERY, {}, { signal }),
  });
};

/** Polled every second while an import is pending or running. */
export const useBackfillStatus = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("backfill"),
    queryFn: ({ signal }) =>
      client.request<{ backfillStatus: BackfillStatus[] }>(BACKFILL_STATUS_QUERY, {}, { signal }).then((data) => data.backfillStatus),
    refetchInterval: (query) => (query.state.data && backfillActive(query.state.data) ? 1000 : false),
  });
};

/** The screen's cached answer with one part replaced by a mutation's. */
const useReplace = () => {
  const queryClient = useQueryClient();
  return (part: Partial<SettingsScreen>): void => {
    queryClient.setQueryData<SettingsScreen>(settingsKey("screen"), (old) => (old ? { ...old, ...part } : old));
  };
};

/** The saves of the screen's forms; each resolves once the cache holds the API's answer. */
export const useSettingsSaves = () => {
  const client = useGraphQLClient();
  const replace = useReplace();
  const queryClient = useQueryClient();
  const requests = {
    appSettings: async (input: Record<string, unknown>): Promise<Partial<SettingsScreen>> => {
      const data = await client.request<{ updateAppSettings: { settings: AppSettings } }>(UPDATE_APP_SETTINGS_MUTATION, { input });
      return { appSettings: data.updateAppSettings.settings };
    },
    emailProvider: async (input: Record<string, unknown>): Promise<Partial<SettingsScreen>> => {
      const data = await client.request<{ updateEmailProvider: { provider: EmailProvider } }>(UPDATE_EMAIL_PROVIDER_MUTATION, { input });
      return { emailProvider: data.updateEmailProvider.provider };
    },
  };
  return {
    appSettings: async (input: Record<string, unknown>) => {
      replace(await requests.appSettings(input));
    },
    /** The sender (appSettings) and the provider: the cache takes both answers at once, after
     * both calls, so a refusal of the second is still shown by the form that asked. */
    senderAndProvider: async ({ settings, provider }: { settings?: Record<string, unknown>; provider?: Record<string, unknown> }) => {
      const parts: Partial<SettingsScreen>[] = [];
      try {
        if (provider) parts.push(await requests.emailProvider(provider));
        if (settings) parts.push(await requests.appSettings(settings));
      } finally {
        if (parts.length) replace(Object.assign({}, ...parts) as Partial<SettingsScreen>);
      }
    },
    smsProvider: async (input: Record<string, unknown>) => {
      const data = await client.request<{ updateSmsProvider: { provider: SmsProvider } }>(UPDATE_SMS_PROVIDER_MUTATION, { input });
      replace({ smsProvider: data.updateSmsProvider.provider });
    },
    pushSettings: async ({ subject }: Record<string, unknown>) => {
      const data = await client.request<{ updatePushSettings: { settings: PushSettings } }>(UPDATE_PUSH_SETTINGS_MUTATION, { subject });
      replace({ pushSettings: data.updatePushSettings.settings });
    },
    refreshShopName: async () => {
      await client.request(REFRESH_SHOP_NAME_MUTATION);
      await queryClient.invalidateQueries({ queryKey: settingsKey("screen") });
    },
  };
};

export const useCreateOffer = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return async (input: Record<string, unknown>) => {
    await client.request(CREATE_OFFER_MUTATION, { input });
    await queryClient.invalidateQueries({ queryKey: settingsKey("offers") });
  };
};

export const useSetOfferActive = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) => client.request(SET_OFFER_ACTIVE_MUTATION, { id, active }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: settingsKey("offers") }),
  });
};

export const useUpdateOffer = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return async (id: string, input: Record<string, unknown>) => {
    await client.request(UPDATE_OFFER_MUTATION, { id, input });
    await queryClient.invalidateQueries({ queryKey: settingsKey("offers") });
  };
};

export const useDeleteOffer = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.request(DELETE_OFFER_MUTATION, { id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: settingsKey("offers") }),
  });
};

/** The new (pending) runs go into the cache at once, which starts the polling. */
export const useRestartBackfill = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      client.request<{ restartBackfill: { backfillStatus: BackfillStatus[] } }>(RESTART_BACKFILL_MUTATION).then((data) => data.restartBackfill.backfillStatus),
    onSuccess: (runs) => queryClient.setQueryData(settingsKey("backfill"), runs),
    onError: () => queryClient.invalidateQueries({ queryKey: settingsKey("backfill") }),
  });
};

export const useConsentTexts = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: settingsKey("consentTexts"),
    queryFn: ({ signal }) =>
      client.request<{ consentTexts: ConsentText[] }>(CONSENT_TEXTS_QUERY, {}, { signal }).then((data) => data.consentTexts),
  });
};

export const useAddConsentText = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return async (input: Record<string, unknown>) => {
    await client.request(ADD_CONSENT_TEXT_MUTATION, { input });
    await queryClient.invalidateQueries({ queryKey: settingsKey("consentTexts") });
  };
};
