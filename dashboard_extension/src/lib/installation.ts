/**
 * The "Installation" query: which Saleor instance and app id the backend has
 * stored for the calling Dashboard token.
 */
import { executeGraphQL, type ExecuteOptions, type GraphQLFailure, type GraphQLResult } from "./graphql";
import { INSTALLATION_QUERY } from "./installation.documents";

export { INSTALLATION_QUERY };

export type Installation = { saleorApiUrl: string; appId: string };

export type InstallationResult = { ok: true; installation: Installation } | GraphQLFailure;

export const InstallationErrorCode = {
  notInstalled: "NOT_INSTALLED",
  invalidResponse: "INVALID_RESPONSE",
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

export const readInstallation = (result: GraphQLResult): InstallationResult => {
  if (!result.ok) {
    return result;
  }

  const installation = isRecord(result.data) ? result.data.installation : undefined;

  if (installation === null) {
    return {
      ok: false,
      message: "The app has no installation for this Saleor instance.",
      code: InstallationErrorCode.notInstalled,
    };
  }

  if (
    isRecord(installation) &&
    typeof installation.saleorApiUrl === "string" &&
    typeof installation.appId === "string"
  ) {
    return { ok: true, installation: { saleorApiUrl: installation.saleorApiUrl, appId: installation.appId } };
  }

  return {
    ok: false,
    message: "The app API answered without installation.saleorApiUrl and installation.appId.",
    code: InstallationErrorCode.invalidResponse,
  };
};

export const fetchInstallation = async (
  auth: { token: string; saleorApiUrl: string },
  options: ExecuteOptions,
): Promise<InstallationResult> =>
  readInstallation(await executeGraphQL({ ...auth, query: INSTALLATION_QUERY }, options));
