/**
 * The single place where build-time configuration is read.
 * Everything else imports `env` from here instead of touching `import.meta.env`.
 */

export type Env = {
  /** Absolute path of the app's GraphQL endpoint on the app origin. */
  apiPath: string;
  /** Milliseconds to wait for the Dashboard handshake (token) before deciding we are not embedded. */
  handshakeTimeoutMs: number;
  /** The app's source repository (support page links to its issues and SECURITY.md); null: not linked. */
  repositoryUrl: string | null;
};

export const DEFAULT_API_PATH = "/graphql/";
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 3000;

type RawEnv = Partial<Record<"VITE_API_PATH" | "VITE_HANDSHAKE_TIMEOUT_MS" | "VITE_REPOSITORY_URL", string>>;

const parseApiPath = (raw: string | undefined): string => {
  const value = raw?.trim();

  if (!value) {
    return DEFAULT_API_PATH;
  }

  return value.startsWith("/") ? value : `/${value}`;
};

const parseTimeout = (raw: string | undefined): number => {
  const value = Number(raw);

  return raw && Number.isFinite(value) && value > 0 ? value : DEFAULT_HANDSHAKE_TIMEOUT_MS;
};

/** An https URL without a trailing slash, else null. */
const parseRepositoryUrl = (raw: string | undefined): string | null => {
  const value = raw?.trim().replace(/\/+$/, "");

  if (!value) {
    return null;
  }

  try {
    return new URL(value).protocol === "https:" ? value : null;
  } catch {
    return null;
  }
};

export const parseEnv = (raw: RawEnv): Env => ({
  apiPath: parseApiPath(raw.VITE_API_PATH),
  handshakeTimeoutMs: parseTimeout(raw.VITE_HANDSHAKE_TIMEOUT_MS),
  repositoryUrl: parseRepositoryUrl(raw.VITE_REPOSITORY_URL),
});

export const env: Env = parseEnv(import.meta.env);
