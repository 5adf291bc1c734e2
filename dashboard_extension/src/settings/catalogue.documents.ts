/**
 * The catalogue's documents on the settings screen (its sync, its settings, the webhooks'
 * alignment), validated against schema.graphql by src/documents.test.ts.
 */

const CATALOGUE_SYNC_FIELDS = /* GraphQL */ `
  fragment SettingsCatalogueSync on CatalogueSync {
    number
    status
    phase
    total
    categories
    collections
    products
    variants
    skipped
    deleted
    error
    startedAt
    finishedAt
    updatedAt
  }
`;

const CATALOGUE_SETTINGS_FIELDS = /* GraphQL */ `
  fragment SettingsCatalogueSettings on CatalogueSettings {
    productUrlPatterns
    lowStockThreshold
    consumableProductTypes
  }
`;

export const CATALOGUE_SYNC_QUERY = /* GraphQL */ `
  query SettingsCatalogueSync {
    catalogueSync {
      ...SettingsCatalogueSync
    }
  }
  ${CATALOGUE_SYNC_FIELDS}
`;

export const CATALOGUE_SETTINGS_QUERY = /* GraphQL */ `
  query SettingsCatalogueSettings {
    catalogueSettings {
      ...SettingsCatalogueSettings
    }
  }
  ${CATALOGUE_SETTINGS_FIELDS}
`;

export const RESTART_CATALOGUE_SYNC_MUTATION = /* GraphQL */ `
  mutation SettingsRestartCatalogueSync {
    restartCatalogueSync {
      catalogueSync {
        ...SettingsCatalogueSync
      }
    }
  }
  ${CATALOGUE_SYNC_FIELDS}
`;

export const UPDATE_CATALOGUE_SETTINGS_MUTATION = /* GraphQL */ `
  mutation SettingsUpdateCatalogueSettings($input: CatalogueSettingsInput!) {
    updateCatalogueSettings(input: $input) {
      settings {
        ...SettingsCatalogueSettings
      }
    }
  }
  ${CATALOGUE_SETTINGS_FIELDS}
`;

export const WEBHOOKS_SYNC_MUTATION = /* GraphQL */ `
  mutation SettingsWebhooksSync {
    webhooksSync {
      report {
        created
        updated
        extra
        inLine
        errors
      }
    }
  }
`;
