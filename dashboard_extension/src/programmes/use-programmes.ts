/** The surveys and prize-draws screens' data: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import type { DrawCreateInput, DrawInput, SurveyCreateInput, SurveyUpdateInput } from "./forms";
import {
  CREATE_DRAW_MUTATION,
  CREATE_SURVEY_MUTATION,
  DELETE_DRAW_MUTATION,
  DELETE_SURVEY_MUTATION,
  DRAWS_QUERY,
  RUN_DRAW_MUTATION,
  SURVEY_QUERY,
  SURVEYS_QUERY,
  UPDATE_DRAW_MUTATION,
  UPDATE_SURVEY_MUTATION,
} from "./programmes.documents";
import type { RatingCount } from "./results";

export const programmesKey = (...parts: unknown[]) => ["programmes", ...parts] as const;

export type SurveyComment = { contactId: string; rating: number; comment: string; answeredAt: string };
export type Survey = {
  id: string;
  key: string;
  name: string;
  question: string;
  scaleMin: number;
  scaleMax: number;
  askComment: boolean;
  open: boolean;
  results: { answers: number; average: number | null; nps: number | null; counts: RatingCount[]; comments: SurveyComment[] };
};
export type DrawWinner = { rank: number; contactId: string; email: string | null };
export type Draw = {
  id: string;
  key: string;
  name: string;
  prize: string;
  winnersCount: number;
  closesAt: string | null;
  drawn: boolean;
  seed: string;
  drawnAt: string | null;
  entries: number;
  winners: DrawWinner[];
};

export const useSurveys = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: programmesKey("surveys"),
    queryFn: ({ signal }) => client.request<{ surveys: Survey[] }>(SURVEYS_QUERY, {}, { signal }).then((d) => d.surveys),
  });
};

export const useSurvey = (id: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: programmesKey("survey", id),
    queryFn: ({ signal }) => client.request<{ survey: Survey | null }>(SURVEY_QUERY, { id }, { signal }).then((d) => d.survey),
  });
};

export const useDraws = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: programmesKey("draws"),
    queryFn: ({ signal }) => client.request<{ draws: Draw[] }>(DRAWS_QUERY, {}, { signal }).then((d) => d.draws),
  });
};

const useInvalidate = () => {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: programmesKey() });
};

export const useCreateSurvey = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: SurveyCreateInput) =>
      client.request<{ createSurvey: { survey: { id: string } } }>(CREATE_SURVEY_MUTATION, { input }).then((d) => d.createSurvey.survey.id),
    onSuccess: invalidate,
  });
};

export const useUpdateSurvey = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: SurveyUpdateInput }) =>
      client.request<{ updateSurvey: { survey: Survey } }>(UPDATE_SURVEY_MUTATION, { id, input }).then((d) => d.updateSurvey.survey),
    onSuccess: invalidate,
  });
};

export const useDeleteSurvey = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => client.request<{ deleteSurvey: { deletedId: string } }>(DELETE_SURVEY_MUTATION, { id }),
    onSuccess: invalidate,
  });
};

export const useCreateDraw = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: DrawCreateInput) =>
      client.request<{ createDraw: { draw: { id: string } } }>(CREATE_DRAW_MUTATION, { input }).then((d) => d.createDraw.draw.id),
    onSuccess: invalidate,
  });
};

export const useUpdateDraw = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: DrawInput }) =>
      client.request<{ updateDraw: { draw: Draw } }>(UPDATE_DRAW_MUTATION, { id, input }).then((d) => d.updateDraw.draw),
    onSuccess: invalidate,
  });
};

export const useDeleteDraw = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => client.request<{ deleteDraw: { deletedId: string } }>(DELETE_DRAW_MUTATION, { id }),
    onSuccess: invalidate,
  });
};

/** runDraw with the admin's seed ("" lets the app draw one). */
export const useRunDraw = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, seed }: { id: string; seed: string }) =>
      client.request<{ runDraw: { draw: Draw } }>(RUN_DRAW_MUTATION, { id, seed: seed.trim() }).then((d) => d.runDraw.draw),
    onSuccess: invalidate,
  });
};
