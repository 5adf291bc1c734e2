/** The templates screens' data: react-query over the app's API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useGraphQLClient } from "../providers/data-provider";
import type { CreateEmailTemplateInput } from "./create-form";
import type { TemplateRow } from "./list";
import {
  CHANNEL_TEMPLATE_PREVIEW_QUERY,
  COPY_TEMPLATE_MUTATION,
  CREATE_CHANNEL_TEMPLATE_MUTATION,
  CREATE_CHANNEL_TEMPLATE_VERSION_MUTATION,
  CREATE_EMAIL_TEMPLATE_MUTATION,
  CREATE_TEMPLATE_VERSION_MUTATION,
  PREVIEW_CONTACTS_QUERY,
  RENAME_TEMPLATE_MUTATION,
  SEND_TEST_EMAIL_MUTATION,
  SMS_SEGMENTS_QUERY,
  TEMPLATE_PREVIEW_QUERY,
  TEMPLATE_QUERY,
  TEMPLATE_STARTERS_QUERY,
  TEMPLATE_USAGE_QUERY,
  TEMPLATE_VALIDATE_QUERY,
  TEMPLATES_QUERY,
} from "./templates.documents";
import type { UsageJourney } from "./usage";

export const templatesKey = (...parts: unknown[]) => ["templates", ...parts] as const;

export type Starter = { key: string; name: string; description: string; kind: string; languages: string[] };
export type Saved = { id: string; key: string; name: string; kind: string };

export type FullVersion = {
  id: string;
  language: string;
  number: number;
  subject: string;
  preheader: string;
  mjml: string;
  text: string;
  pushUrl: string;
  createdAt: string;
};
export type TemplateDetail = Omit<TemplateRow, "versions"> & { versions: FullVersion[] };

export type TemplateError = { stage: string; code: string; message: string; line: number | null; column: number | null; field: string };
export type Preview = { subject: string; preheader: string; html: string; text: string; errors: TemplateError[] };
export type Content = { mjml: string; subject: string; preheader: string };

export const useTemplates = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: templatesKey("list"),
    queryFn: ({ signal }) => client.request<{ templates: TemplateRow[] }>(TEMPLATES_QUERY, {}, { signal }).then((d) => d.templates),
  });
};

export const useTemplateUsage = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["journeys", "templateUsage"],
    queryFn: ({ signal }) => client.request<{ journeys: UsageJourney[] }>(TEMPLATE_USAGE_QUERY, {}, { signal }).then((d) => d.journeys),
  });
};

export const useStarters = (enabled: boolean) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: templatesKey("starters"),
    enabled,
    staleTime: Infinity,
    queryFn: ({ signal }) => client.request<{ templateStarters: Starter[] }>(TEMPLATE_STARTERS_QUERY, {}, { signal }).then((d) => d.templateStarters),
  });
};

/** Refetch the templates without waiting for it: the caller's own onSuccess runs at once (a
 * refetch that changes the page first could unmount the caller and drop it). */
const useInvalidate = () => {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: templatesKey() });
  };
};

export const useCreateEmailTemplate = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: CreateEmailTemplateInput) =>
      client.request<{ createEmailTemplate: { template: Saved } }>(CREATE_EMAIL_TEMPLATE_MUTATION, { input }).then((d) => d.createEmailTemplate.template),
    onSuccess: invalidate,
  });
};

export const useCreateChannelTemplate = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (variables: { channel: string; key: string; name: string; kind: string }) =>
      client.request<{ createChannelTemplate: { template: Saved } }>(CREATE_CHANNEL_TEMPLATE_MUTATION, variables).then((d) => d.createChannelTemplate.template),
    onSuccess: invalidate,
  });
};

export const useCopyTemplate = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (variables: { id: string; name: string }) =>
      client.request<{ copyTemplate: { template: Saved } }>(COPY_TEMPLATE_MUTATION, variables).then((d) => d.copyTemplate.template),
    onSuccess: invalidate,
  });
};

export const useRenameTemplate = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (variables: { id: string; name: string; description: string }) =>
      client.request<{ renameTemplate: { template: Saved } }>(RENAME_TEMPLATE_MUTATION, variables).then((d) => d.renameTemplate.template),
    onSuccess: invalidate,
  });
};

export const useTemplate = (id: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: templatesKey("detail", id),
    queryFn: ({ signal }) => client.request<{ template: TemplateDetail | null }>(TEMPLATE_QUERY, { id }, { signal }).then((d) => d.template),
  });
};

/** The saved template's current version in a language, or unsaved content when given; rendered
 * for a contact (its id) or, with null, for the example. */
export const usePreview = (templateId: string, language: string, content: Content | null, contactId: string | null = null) => {
  const client = useGraphQLClient();
  return useQuery<Preview>({
    queryKey: templatesKey("preview", templateId, language, content, contactId),
    enabled: language !== "",
    placeholderData: (previous) => previous,
    queryFn: ({ signal }) =>
      client
        .request<{ templatePreview: Preview }>(
          TEMPLATE_PREVIEW_QUERY,
          { ...(content ? { language, ...content } : { templateId, language }), ...(contactId ? { contactId } : {}) },
          { signal },
        )
        .then((d) => d.templatePreview),
  });
};

export type PreviewContact = { id: string; email: string | null; firstName: string; lastName: string };

/** Contacts whose email or name has the words (at least two characters typed). */
export const usePreviewContacts = (search: string) => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: ["contacts", "templatePreview", search],
    enabled: search.length >= 2,
    queryFn: ({ signal }) =>
      client
        .request<{ contacts: { edges: { node: PreviewContact }[] } }>(PREVIEW_CONTACTS_QUERY, { search }, { signal })
        .then((d) => d.contacts.edges.map((edge) => edge.node)),
  });
};

export type SmsSegments = { encoding: string; count: number; units: number };

/** How an SMS text is split (the API counts; the text as typing settled). */
export const useSmsSegments = (text: string | null) => {
  const client = useGraphQLClient();
  return useQuery<SmsSegments>({
    queryKey: templatesKey("smsSegments", text),
    enabled: text !== null,
    placeholderData: (previous) => previous,
    queryFn: ({ signal }) => client.request<{ smsSegments: SmsSegments }>(SMS_SEGMENTS_QUERY, { text }, { signal }).then((d) => d.smsSegments),
  });
};

export type TextContent = { title: string; text: string; url: string };
export type TextPreview = TextContent & { errors: TemplateError[] };

/** An SMS or push draft as typing settled: its errors by field, else rendered for the example. */
export const useTextPreview = (channel: "sms" | "push", content: TextContent | null) => {
  const client = useGraphQLClient();
  return useQuery<TextPreview>({
    queryKey: templatesKey("textPreview", channel, content),
    enabled: content !== null,
    placeholderData: (previous) => previous,
    queryFn: ({ signal }) =>
      client
        .request<{ channelTemplatePreview: TextPreview }>(CHANNEL_TEMPLATE_PREVIEW_QUERY, { channel: channel.toUpperCase(), ...content }, { signal })
        .then((d) => d.channelTemplatePreview),
  });
};

export const useCreateChannelVersion = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (variables: { templateId: string; language: string } & TextContent) =>
      client
        .request<{ createChannelTemplateVersion: { version: { id: string; language: string; number: number } } }>(
          CREATE_CHANNEL_TEMPLATE_VERSION_MUTATION,
          variables,
        )
        .then((d) => d.createChannelTemplateVersion.version),
    onSuccess: invalidate,
  });
};

export const useValidate = (content: Content | null) => {
  const client = useGraphQLClient();
  return useQuery<TemplateError[]>({
    queryKey: templatesKey("validate", content),
    enabled: content !== null,
    placeholderData: (previous) => previous,
    queryFn: ({ signal }) =>
      client.request<{ templateValidate: TemplateError[] }>(TEMPLATE_VALIDATE_QUERY, content ?? {}, { signal }).then((d) => d.templateValidate),
  });
};

export const useSendTest = () => {
  const client = useGraphQLClient();
  return useMutation({
    mutationFn: (variables: { templateId: string; language: string; to: string } & Partial<Content>) =>
      client.request<{ sendTestEmail: { messageId: string } }>(SEND_TEST_EMAIL_MUTATION, variables).then((d) => d.sendTestEmail.messageId),
  });
};

export const useCreateVersion = () => {
  const client = useGraphQLClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (variables: { templateId: string; language: string } & Content) =>
      client
        .request<{ createTemplateVersion: { version: { id: string; language: string; number: number } } }>(CREATE_TEMPLATE_VERSION_MUTATION, variables)
        .then((d) => d.createTemplateVersion.version),
    onSuccess: invalidate,
  });
};
