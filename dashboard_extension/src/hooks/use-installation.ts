import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useCallback, useEffect, useState } from "react";

import { env } from "../env";
import { errorNotification } from "../lib/error-presentation";
import type { GraphQLFailure } from "../lib/graphql";
import { resolveApiUrl } from "../lib/graphql";
import { fetchInstallation, type Installation } from "../lib/installation";

export type InstallationState =
  | { status: "loading" }
  | { status: "success"; installation: Installation }
  | { status: "error"; failure: GraphQLFailure };

/** Loads the installation from the app's GraphQL API; reports errors to the Dashboard too. */
export const useInstallation = (token: string, saleorApiUrl: string) => {
  const { appBridge } = useAppBridge();
  const [state, setState] = useState<InstallationState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    const url = resolveApiUrl(env.apiPath, window.location.origin);

    setState({ status: "loading" });
    void fetchInstallation(
      { token, saleorApiUrl },
      { url, fetch: (input, init) => window.fetch(input, init), signal: controller.signal },
    ).then((result) => {
      if (controller.signal.aborted) {
        return;
      }

      if (result.ok) {
        setState({ status: "success", installation: result.installation });
        return;
      }

      setState({ status: "error", failure: result });
      appBridge?.dispatch(actions.Notification(errorNotification(result))).catch((error: unknown) => {
        console.warn("Could not show the Dashboard notification", error);
      });
    });

    return () => controller.abort();
  }, [appBridge, token, saleorApiUrl, attempt]);

  return { state, retry };
};
