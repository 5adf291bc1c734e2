/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Path of the app's own GraphQL API, resolved against the page origin. */
  readonly VITE_API_PATH?: string;
  /** How long to wait for the Dashboard handshake before giving up (ms). */
  readonly VITE_HANDSHAKE_TIMEOUT_MS?: string;
  /** The app's source repository (https), linked from the support page. */
  readonly VITE_REPOSITORY_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
