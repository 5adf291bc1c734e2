import { actions, type NotificationPayload, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useCallback } from "react";

import { presentError } from "../lib/error-presentation";
import { GraphQLRequestError, isAbortError } from "../lib/graphql";

/** Notifications in the Dashboard's own toasts (App Bridge `notification`). */
export const useNotify = () => {
  const { appBridge } = useAppBridge();

  return useCallback(
    (payload: NotificationPayload) => {
      if (!appBridge) {
        return;
      }

      appBridge.dispatch(actions.Notification(payload)).catch((error: unknown) => {
        console.warn("The Dashboard did not show the notification", error);
      });
    },
    [appBridge],
  );
};

/** A failed call as a Dashboard error toast; a cancelled one says nothing. */
export const useNotifyError = () => {
  const notify = useNotify();

  return useCallback(
    (title: string, error: unknown) => {
      if (isAbortError(error)) {
        return;
      }

      const text =
        error instanceof GraphQLRequestError
          ? presentError(error.failure).text
          : error instanceof Error
            ? error.message
            : String(error);

      notify({ status: "error", title, text });
    },
    [notify],
  );
};
