/** The broadcasts screens' data: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import {
  BROADCAST_CHECK_QUERY,
  BROADCAST_CHOICES_QUERY,
  BROADCAST_PROGRESS_QUERY,
  BROADCASTS_QUERY,
  CANCEL_BROADCAST_MUTATION,
  CREATE_BROADCAST_MUTATION,
  PUBLISH_BROADCAST_MUTATION,
  PAUSE_BROADCAST_MUTATION,
  RESUME_BROADCAST_MUTATION,
  SEND_BROADCAST_TEST_MUTATION,
} from "./broadcasts.documents";
import { type BroadcastState, pollSeconds, type ProgressCounts, stateOf, type JourneyStatus } from "./progress";

export const broadcastsKey = (...parts: unknown[]) => ["broadcasts", ...parts] as const;

export type BroadcastJourney = {
  id: string;
  name: string;
  status: JourneyStatus;
  createdAt: string;
  updatedAt: string;
  draft: unknown;
  currentVersion: { number: number; publishedAt: string; definition: unknown } | null;
};
export type Broadcast = ProgressCounts & { journey: BroadcastJourney };
export type SegmentChoice = { id: string; name: string; memberCount: number; status: string };
export type TemplateChoice = { id: string; key: string; name: string; kind: string; channel: string; languages: string[]; defaultLanguage: string };
export type Choices = { segments: SegmentChoice[]; templates: TemplateChoice[] };
export type NodeProblem = { nodeId: string; field: string; code: string; message: string };

/** The definition a broadcast runs: its published one, or its draft before launch. */
export const definitionOf = (journey: BroadcastJourney): unknown => journey.currentVersion?.definition ?? journey.draft;

export const stateOfBroadcast = (broadcast: Broadcast): BroadcastState => stateOf(broadcast, broadcast.journey.status);

export const useBroadcasts = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: broadcastsKey("list"),
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
    queryFn: ({ signal }) => client.request<{ broadcasts: Broadcast[] }>(BROADCASTS_QUERY, {}, { signal }).then((d) => d.broadcasts),
  });
};

/** One broadcast, polled while the engine may still change its figures. */
export const useBroadcast = (journeyId: string) => {
  const client = useGraphQLClient();
  return useQuery<Broadcast | null>({
    queryKey: broadcastsKey("detail", journeyId),
    refetchInterval: (query) => {
      const data = query.state.data;
      const seconds = data ? pollSeconds(stateOfBroadcast(data)) : null;
      return seconds === null ? false : seconds * 1000;
    },
    refetchIntervalInBackground: false,
    queryFn: ({ signal }) =>
      client.request<{ broadcastProgress: Broadcast | null }>(BROADCAST_PROGRESS_QUERY, { journeyId }, { signal }).then((d) => d.broadcastProgress),
  });
};

export const useChoices = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: broadcastsKey("choices"),
    queryFn: ({ signal }) =>
      client.request<Choices>(BROADCAST_CHOICES_QUERY, {}, { signal }).then((d) => ({
        segments: d.segments.filter((s) => s.status === "ACTIVE"),
        templates: d.templates.filter((t) => t.channel === "email"),
      })),
  });
};

const useInvalidate = () => {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: broadcastsKey() });
    void queryClient.invalidateQueries({ queryKey: ["journeys"] });
  };
};

export const useCheck = () => {
  const client = useGraphQLClient();
  return useMutation({
    mutationFn: (definition: Record<string, unknown>) =>
      client
        .request<{ journeyCheck: { errors: NodeProblem[]; warnings: NodeProblem[] } }>(BROADCAST_CHECK_QUERY, { definition })
        .then((d) => d.journeyCheck),
  });
};

export type Launched = { id: string; errors: NodeProblem[]; warnings: NodeProblem[] };

/** createJourney with the broadcast as its draft, then publishJourney: an active journey
 * whose snapshot the scheduler takes at the send time. A refused publish leaves the draft. */
export const useLaunch = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ name, definition, id }: { name: string; definition: Record<string, unknown>; id?: string }): Promise<Launched> => {
      let journeyId: string;
      if (id === undefined) {
        const created = await client.request<{ createJourney: { journey: { id: string } } }>(CREATE_BROADCAST_MUTATION, { name, draft: definition });
        journeyId = created.createJourney.journey.id;
      } else journeyId = id;
      const published = await client
        .request<{ publishJourney: { errors: NodeProblem[]; warnings: NodeProblem[] } }>(PUBLISH_BROADCAST_MUTATION, { id: journeyId })
        .then((d) => d.publishJourney);
      return { id: journeyId, errors: published.errors, warnings: published.warnings };
    },
    onSettled: invalidate,
  });
};

/** pauseBroadcast or resumeBroadcast; resolves to the messages held or released. */
export const useSetStatus = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: "active" | "paused" }) =>
      status === "paused"
        ? client.request<{ pauseBroadcast: { heldMessages: number } }>(PAUSE_BROADCAST_MUTATION, { id }).then((d) => d.pauseBroadcast.heldMessages)
        : client.request<{ resumeBroadcast: { releasedMessages: number } }>(RESUME_BROADCAST_MUTATION, { id }).then((d) => d.resumeBroadcast.releasedMessages),
    onSuccess: invalidate,
  });
};

export const useCancel = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      client
        .request<{ cancelBroadcast: { cancelledMessages: number } }>(CANCEL_BROADCAST_MUTATION, { id })
        .then((d) => d.cancelBroadcast.cancelledMessages),
    onSuccess: invalidate,
  });
};

export const useSendTest = () => {
  const client = useGraphQLClient();
  return useMutation({
    mutationFn: (variables: { templateId: string; to: string }) =>
      client.request<{ sendTestEmail: { messageId: string } }>(SEND_BROADCAST_TEST_MUTATION, variables).then((d) => d.sendTestEmail.messageId),
  });
};
