/** The contacts screens' data: react-query over the app's API. A query's `signal` cancels the
 * request it replaces (a new search or filter while one is on its way). */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import {
  CONTACT_EXPORT_QUERY,
  CONTACT_QUERY,
  CONTACT_RUNS_QUERY,
  CONTACT_TIMELINE_QUERY,
  CONTACTS_QUERY,
  ENROL_CONTACT_MUTATION,
  ENROL_JOURNEYS_QUERY,
  ERASE_CONTACT_MUTATION,
  EVENT_TYPES_QUERY,
} from "./contacts.documents";
import type { ContactsVariables, Consent, Stage } from "./filters";
import type { PickerJourney } from "./profile";
import type { TimelineEvent } from "./timeline";
import type { ContactPredictions } from "./predictions";

export const PAGE_SIZE = 20;
export const TIMELINE_PAGE_SIZE = 20;

export const contactsKey = (...parts: unknown[]) => ["contacts", ...parts] as const;

export type Money = { currency: string; total: string; orders: number };

export type ContactRow = {
  id: string;
  email: string | null;
  firstName: string;
  lastName: string;
  country: string;
  lifecycleStage: Stage;
  emailConsent: Consent;
  ordersCount: number;
  lastOrderAt: string | null;
  createdAt: string;
  spend: Money[];
};

type ContactsPage = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: ContactRow }[];
};

export const useContactList = (variables: ContactsVariables | null, after: string | null) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("list", variables, after),
    enabled: variables !== null,
    queryFn: ({ signal }) =>
      client
        .request<{ contacts: ContactsPage }>(CONTACTS_QUERY, { ...variables, first: PAGE_SIZE, after }, { signal })
        .then((data) => data.contacts),
    placeholderData: (previous) => previous,
  });
};

export type ContactProfile = {
  id: string;
  email: string | null;
  saleorUserId: string | null;
  firstName: string;
  lastName: string;
  country: string;
  city: string;
  languageCode: string;
  timeZone: string;
  lifecycleStage: string;
  emailConsent: Consent;
  smsConsent: Consent;
  pushConsent: Consent;
  postal: { consent: Consent };
  ordersCount: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  lastEngagementAt: string | null;
  emailOpens30d: number;
  emailClicks30d: number;
  favouriteCategories: string[];
  spend: (Money & { averageOrderValue: string })[];
  rfm: { recency: number | null; frequency: number | null; monetary: number | null } | null;
  predictedNextOrderAt: string | null;
  predictionBasis: unknown;
  predictions: ContactPredictions;
  lastOrder: {
    saleorId: string;
    number: string;
    status: string;
    channel: string;
    currency: string;
    total: string;
    placedAt: string;
    creditedTo: { via: string; touchedAt: string; journey: string | null; template: string | null } | null;
  } | null;
  segmentMemberships: { id: string; segmentId: string; enteredAt: string; exitedAt: string | null }[];
};

export const useContact = (id: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("profile", id),
    queryFn: ({ signal }) =>
      client.request<{ contact: ContactProfile | null; segments: { id: string; name: string }[] }>(CONTACT_QUERY, { id }, { signal }),
  });
};

type TimelinePage = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: TimelineEvent }[];
};

/** The timeline, page after page ("load more"); a change of the types starts again. */
export const useTimeline = (id: string, types: string[]) => {
  const client = useGraphQLClient();
  return useInfiniteQuery({
    queryKey: contactsKey("timeline", id, types),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      client
        .request<{ contact: { timeline: TimelinePage } | null }>(
          CONTACT_TIMELINE_QUERY,
          { id, first: TIMELINE_PAGE_SIZE, after: pageParam, types: types.length ? types : null },
          { signal },
        )
        .then((data) => data.contact?.timeline ?? null),
    getNextPageParam: (last) => (last?.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
  });
};

export const useEventTypes = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("eventTypes"),
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      client.request<{ eventTypes: { type: string; count: number }[] }>(EVENT_TYPES_QUERY, {}, { signal }).then((d) => d.eventTypes),
  });
};

export type RunStep = { at: string; node: string; kind: string; detail: unknown };

export type ContactRun = {
  id: string;
  status: string;
  node: string;
  enteredAt: string;
  exitedAt: string | null;
  exitReason: string;
  holdout: boolean;
  version: number;
  journey: { id: string; name: string };
  steps: RunStep[];
};

export const useContactRuns = (contactId: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("runs", contactId),
    queryFn: ({ signal }) =>
      client.request<{ contactRuns: ContactRun[] }>(CONTACT_RUNS_QUERY, { contactId }, { signal }).then((d) => d.contactRuns),
  });
};

export const useEnrolJourneys = (enabled: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: contactsKey("enrolJourneys"),
    enabled,
    queryFn: ({ signal }) =>
      client.request<{ journeys: PickerJourney[] }>(ENROL_JOURNEYS_QUERY, {}, { signal }).then((d) => d.journeys),
  });
};

export const useContactExport = () => {
  const client = useGraphQLClient();
  return useMutation({
    mutationFn: (id: string) => client.request<{ contactExport: unknown }>(CONTACT_EXPORT_QUERY, { id }).then((d) => d.contactExport),
  });
};

export const useEnrolContact = (contactId: string) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (journeyId: string) =>
      client
        .request<{ enrolContact: { run: { id: string; status: string; node: string } | null } }>(ENROL_CONTACT_MUTATION, {
          contactId,
          journeyId,
        })
        .then((d) => d.enrolContact.run),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: contactsKey("runs", contactId) }),
  });
};

export const useEraseContact = () => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.request<{ eraseContact: { erased: boolean } }>(ERASE_CONTACT_MUTATION, { id }),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: contactsKey("profile", id) });
      return queryClient.invalidateQueries({ queryKey: contactsKey("list") });
    },
  });
};
