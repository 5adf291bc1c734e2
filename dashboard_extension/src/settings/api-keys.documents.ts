/** The settings screen's API keys: listed (never their secret), made (the key answered once), revoked. */

const API_KEY_FIELDS = /* GraphQL */ `
  fragment SettingsApiKey on ApiKey {
    id
    name
    prefix
    createdAt
    lastUsedAt
    revokedAt
  }
`;

export const API_KEYS_QUERY = /* GraphQL */ `
  query SettingsApiKeys {
    apiKeys {
      ...SettingsApiKey
    }
  }
  ${API_KEY_FIELDS}
`;

export const CREATE_API_KEY_MUTATION = /* GraphQL */ `
  mutation SettingsCreateApiKey($name: String!) {
    createApiKey(name: $name) {
      key
      installationId
      apiKey {
        ...SettingsApiKey
      }
    }
  }
  ${API_KEY_FIELDS}
`;

export const REVOKE_API_KEY_MUTATION = /* GraphQL */ `
  mutation SettingsRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      apiKey {
        ...SettingsApiKey
      }
    }
  }
  ${API_KEY_FIELDS}
`;
