/** The templates screens' GraphQL documents (validated against schema.graphql in documents.test.ts). */

export const TEMPLATES_QUERY = `query TemplatesList {
  templates {
    id
    key
    name
    description
    kind
    channel
    isBuiltin
    defaultLanguage
    languages
    versions { id language number createdAt }
  }
}`;

/** The journeys' send nodes, in their published version and their draft. */
export const TEMPLATE_USAGE_QUERY = `query TemplateUsage {
  journeys {
    id
    name
    status
    draft
    currentVersion { number definition }
  }
}`;

export const TEMPLATE_STARTERS_QUERY = `query TemplateStarters {
  templateStarters { key name description kind languages }
}`;

export const CREATE_EMAIL_TEMPLATE_MUTATION = `mutation CreateEmailTemplate($input: CreateEmailTemplateInput!) {
  createEmailTemplate(input: $input) { template { id key name kind } }
}`;

export const COPY_TEMPLATE_MUTATION = `mutation CopyTemplate($id: ID!, $name: String) {
  copyTemplate(id: $id, name: $name) { template { id key name kind } }
}`;

export const RENAME_TEMPLATE_MUTATION = `mutation RenameTemplate($id: ID!, $name: String!, $description: String) {
  renameTemplate(id: $id, name: $name, description: $description) { template { id key name description } }
}`;

export const TEMPLATE_QUERY = `query TemplateDetail($id: ID!) {
  template(id: $id) {
    id
    key
    name
    description
    kind
    channel
    isBuiltin
    defaultLanguage
    languages
    versions { id language number subject preheader mjml text pushUrl createdAt }
  }
}`;

export const TEMPLATE_PREVIEW_QUERY = `query TemplateDetailPreview($templateId: ID, $language: String, $mjml: String, $subject: String, $preheader: String, $contactId: ID) {
  templatePreview(templateId: $templateId, language: $language, mjml: $mjml, subject: $subject, preheader: $preheader, contactId: $contactId) {
    subject
    preheader
    html
    text
    errors { stage code message line column field }
  }
}`;

export const TEMPLATE_VALIDATE_QUERY = `query TemplateValidate($mjml: String!, $subject: String!, $preheader: String) {
  templateValidate(mjml: $mjml, subject: $subject, preheader: $preheader) { stage code message line column field }
}`;

export const SEND_TEST_EMAIL_MUTATION = `mutation SendTemplateTestEmail($templateId: ID!, $language: String, $to: String!, $mjml: String, $subject: String, $preheader: String) {
  sendTestEmail(templateId: $templateId, language: $language, to: $to, mjml: $mjml, subject: $subject, preheader: $preheader) { messageId }
}`;

export const CREATE_TEMPLATE_VERSION_MUTATION = `mutation CreateTemplateVersion($templateId: ID!, $language: String!, $subject: String!, $preheader: String, $mjml: String!) {
  createTemplateVersion(templateId: $templateId, language: $language, subject: $subject, preheader: $preheader, mjml: $mjml) {
    version { id language number }
  }
}`;

/** The contacts a preview can be rendered for, by words of their email or name. */
export const PREVIEW_CONTACTS_QUERY = `query TemplatePreviewContacts($search: String!) {
  contacts(search: $search, first: 8) {
    edges { node { id email firstName lastName } }
  }
}`;

export const SMS_SEGMENTS_QUERY = `query TemplateSmsSegments($text: String!) {
  smsSegments(text: $text) { encoding count units }
}`;

export const CREATE_CHANNEL_TEMPLATE_VERSION_MUTATION = `mutation CreateChannelTemplateVersion($templateId: ID!, $language: String!, $text: String!, $title: String, $url: String) {
  createChannelTemplateVersion(templateId: $templateId, language: $language, text: $text, title: $title, url: $url) {
    version { id language number }
  }
}`;

/** An unsaved SMS or push version's errors by field, else its text rendered for the example. */
export const CHANNEL_TEMPLATE_PREVIEW_QUERY = `query ChannelTemplatePreview($channel: MessageChannel!, $text: String!, $title: String, $url: String) {
  channelTemplatePreview(channel: $channel, text: $text, title: $title, url: $url) {
    title
    text
    url
    errors { stage code message line column field }
  }
}`;

export const CREATE_CHANNEL_TEMPLATE_MUTATION = `mutation CreateChannelTemplate($channel: MessageChannel!, $key: String!, $name: String!, $kind: String) {
  createChannelTemplate(channel: $channel, key: $key, name: $name, kind: $kind) { template { id key name kind } }
}`;
