/**
 * How a failed request is shown to the user: a title and a text, used both
 * for the on-page error state and for the Dashboard notification.
 */
import type { GraphQLFailure } from "./graphql";
import { ErrorCode } from "./graphql";

export type ErrorPresentation = { title: string; text: string };

const titleFor = ({ code, status }: GraphQLFailure): string => {
  if (code === ErrorCode.network) {
    return "Cannot reach the Marketing Automation app";
  }

  if (status === 401) {
    return "The Dashboard session was rejected";
  }

  if (status === 403) {
    return "Missing permission";
  }

  return "Could not load the app installation";
};

export const presentError = (failure: GraphQLFailure): ErrorPresentation => {
  const details = failure.status === undefined ? failure.code : `${failure.code}, HTTP ${failure.status}`;

  return { title: titleFor(failure), text: `${failure.message} (${details})` };
};

/** Payload for App Bridge's `actions.Notification`. */
export const errorNotification = (failure: GraphQLFailure) => ({
  status: "error" as const,
  ...presentError(failure),
});
