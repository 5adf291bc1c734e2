/** react-query's defaults for the app: caching, retries, no refetch on the iframe's focus. */
import { QueryClient } from "@tanstack/react-query";

import { GraphQLRequestError, isAbortError } from "./graphql";

export const MAX_RETRIES = 2;

/** A refused call (4xx, a GraphQL error) is not retried; a network failure or a 5xx twice. */
export const shouldRetry = (failureCount: number, error: unknown): boolean => {
  if (isAbortError(error) || failureCount >= MAX_RETRIES) {
    return false;
  }

  if (error instanceof GraphQLRequestError) {
    const { status } = error.failure;

    return status === undefined || status >= 500;
  }

  return false;
};

export const createQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: {
        // Lists stay fresh for half a minute; pages with live numbers refetch on their own.
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetry,
        // The iframe gains and loses focus with every click in the Dashboard around it.
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
