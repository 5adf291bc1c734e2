/**
 * How a failed request is shown: a title (a message id, for the user's language) and a
 * text (the API's own message and code), used for the on-page error state and the
 * Dashboard notification.
 */
import type { GraphQLFailure } from "./graphql";
import { ErrorCode } from "./graphql";

export type ErrorPresentation = { titleId: string; text: string };

const titleIdFor = ({ code, status }: GraphQLFailure): string => {
  if (code === ErrorCode.network) {
    return "shell.error.network";
  }

  if (status === 401) {
    return "shell.error.unauthorized";
  }

  if (status === 403) {
    return "shell.error.forbidden";
  }

  return "shell.error.generic";
};

export const presentError = (failure: GraphQLFailure): ErrorPresentation => {
  const details = failure.status === undefined ? failure.code : `${failure.code}, HTTP ${failure.status}`;

  return { titleId: titleIdFor(failure), text: `${failure.message} (${details})` };
};
