/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Path of the app's own GraphQL API, resolved against the page origin. */
  readonly VITE_API_PATH?: string;
  /** How long to wait for the Dashboard handshake before giving up (ms). */
  readonly VITE_HANDSHAKE_TIMEOUT_MS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
