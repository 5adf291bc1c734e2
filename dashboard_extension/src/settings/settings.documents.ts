/**
 * The settings screen's documents (`appSettings`, the providers, push, offers, backfill,
 * consent texts and their mutations), validated against schema.graphql by src/documents.test.ts.
 */

const APP_SETTINGS_FIELDS = /* GraphQL */ `
  fragment SettingsAppSettings on AppSettings {
    shopName
    senderName
    fromEmail
    replyTo
    sender
    storefrontUrls
    storefrontOrigins
    dashboardOrigins
    checkoutAbandonedAfterMinutes
    browseAbandonedAfterMinutes
    browseWindowHours
    lapsingAfterDays
    lapsedAfterDays
    vipMinOrders
    spendThresholds
    metadataKeys
    capCount
    capHours
    channelCaps
    quietStartHour
    quietEndHour
    quietAction
    attribution {
      clickDays
      openDays
      clickOnly
    }
    warnings
  }
`;

const EMAIL_PROVIDER_FIELDS = /* GraphQL */ `
  fragment SettingsEmailProvider on EmailProvider {
    kind
    smtpHost
    smtpPort
    smtpSecurity
    smtpUsername
    hasSmtpPassword
    esp
    hasEspSettings
    maxPerSecond
    connections
  }
`;

const SMS_PROVIDER_FIELDS = /* GraphQL */ `
  fragment SettingsSmsProvider on SmsProvider {
    configured
    accountSid
    hasAuthToken
    fromNumber
    messagingServiceSid
    maxPerSecond
    doubleOptIn
    statusCallbackUrl
    inboundUrl
  }
`;

const OFFER_FIELDS = /* GraphQL */ `
  fragment SettingsOffer on Offer {
    id
    title
    text
    url
    priority
    active
    condition
    startsAt
    endsAt
    channels
  }
`;

export const SETTINGS_QUERY = /* GraphQL */ `
  query SettingsScreen {
    appSettings {
      ...SettingsAppSettings
    }
    emailProvider {
      ...SettingsEmailProvider
    }
    smsProvider {
      ...SettingsSmsProvider
    }
    pushSettings {
      subject
      publicKey
      activeSubscriptions
    }
  }
  ${APP_SETTINGS_FIELDS}
  ${EMAIL_PROVIDER_FIELDS}
  ${SMS_PROVIDER_FIELDS}
`;

export const OFFERS_QUERY = /* GraphQL */ `
  query SettingsOffers {
    offers {
      ...SettingsOffer
    }
    shopTimeZone
  }
  ${OFFER_FIELDS}
`;

const BACKFILL_FIELDS = /* GraphQL */ `
  fragment SettingsBackfillStatus on BackfillStatus {
    resource
    status
    done
    skipped
    total
    error
    droppedFields
    startedAt
    finishedAt
    updatedAt
  }
`;

export const BACKFILL_STATUS_QUERY = /* GraphQL */ `
  query SettingsBackfillStatus {
    backfillStatus {
      ...SettingsBackfillStatus
    }
  }
  ${BACKFILL_FIELDS}
`;

export const RESTART_BACKFILL_MUTATION = /* GraphQL */ `
  mutation SettingsRestartBackfill {
    restartBackfill {
      backfillStatus {
        ...SettingsBackfillStatus
      }
    }
  }
  ${BACKFILL_FIELDS}
`;

const CONSENT_TEXT_FIELDS = /* GraphQL */ `
  fragment SettingsConsentText on ConsentText {
    channel
    language
    version
    text
    createdAt
    current
  }
`;

export const CONSENT_TEXTS_QUERY = /* GraphQL */ `
  query SettingsConsentTexts {
    consentTexts {
      ...SettingsConsentText
    }
  }
  ${CONSENT_TEXT_FIELDS}
`;

export const ADD_CONSENT_TEXT_MUTATION = /* GraphQL */ `
  mutation SettingsAddConsentText($input: AddConsentTextInput!) {
    addConsentTextVersion(input: $input) {
      consentText {
        ...SettingsConsentText
      }
    }
  }
  ${CONSENT_TEXT_FIELDS}
`;

export const UPDATE_APP_SETTINGS_MUTATION = /* GraphQL */ `
  mutation SettingsUpdateAppSettings($input: AppSettingsInput!) {
    updateAppSettings(input: $input) {
      settings {
        ...SettingsAppSettings
      }
    }
  }
  ${APP_SETTINGS_FIELDS}
`;

export const UPDATE_EMAIL_PROVIDER_MUTATION = /* GraphQL */ `
  mutation SettingsUpdateEmailProvider($input: EmailProviderInput!) {
    updateEmailProvider(input: $input) {
      provider {
        ...SettingsEmailProvider
      }
    }
  }
  ${EMAIL_PROVIDER_FIELDS}
`;

export const UPDATE_SMS_PROVIDER_MUTATION = /* GraphQL */ `
  mutation SettingsUpdateSmsProvider($input: SmsProviderInput!) {
    updateSmsProvider(input: $input) {
      provider {
        ...SettingsSmsProvider
      }
    }
  }
  ${SMS_PROVIDER_FIELDS}
`;

export const UPDATE_PUSH_SETTINGS_MUTATION = /* GraphQL */ `
  mutation SettingsUpdatePushSettings($subject: String!) {
    updatePushSettings(subject: $subject) {
      settings {
        subject
        publicKey
        activeSubscriptions
      }
    }
  }
`;

export const REFRESH_SHOP_NAME_MUTATION = /* GraphQL */ `
  mutation SettingsRefreshShopName {
    refreshShopName {
      installation {
        shopName
      }
    }
  }
`;

export const CREATE_OFFER_MUTATION = /* GraphQL */ `
  mutation SettingsCreateOffer($input: OfferInput!) {
    createOffer(input: $input) {
      offer {
        ...SettingsOffer
      }
    }
  }
  ${OFFER_FIELDS}
`;

export const SET_OFFER_ACTIVE_MUTATION = /* GraphQL */ `
  mutation SettingsSetOfferActive($id: ID!, $active: Boolean!) {
    setOfferActive(id: $id, active: $active) {
      offer {
        ...SettingsOffer
      }
    }
  }
  ${OFFER_FIELDS}
`;

export const UPDATE_OFFER_MUTATION = /* GraphQL */ `
  mutation SettingsUpdateOffer($id: ID!, $input: OfferInput!) {
    updateOffer(id: $id, input: $input) {
      offer {
        ...SettingsOffer
      }
    }
  }
  ${OFFER_FIELDS}
`;

export const DELETE_OFFER_MUTATION = /* GraphQL */ `
  mutation SettingsDeleteOffer($id: ID!) {
    deleteOffer(id: $id) {
      deletedId
    }
  }
`;
