import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { QueryClientProvider } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useMemo, useState } from "react";

import { env } from "../env";
import { createGraphQLClient, type GraphQLClient, resolveApiUrl } from "../lib/graphql";
import { createQueryClient } from "../lib/query-client";

const ClientContext = createContext<GraphQLClient | null>(null);

/**
 * The app's API client (token from App Bridge on every call, 401 retried after the next
 * tokenRefresh). Only pages inside the Dashboard use it; outside there is none.
 */
export const useGraphQLClient = (): GraphQLClient => {
  const client = useContext(ClientContext);

  if (!client) {
    throw new Error("useGraphQLClient needs the Dashboard (App Bridge); this page is not embedded");
  }

  return client;
};

export const DataProvider = ({ children }: { children: ReactNode }) => {
  const { appBridge } = useAppBridge();
  const [queryClient] = useState(createQueryClient);
  const client = useMemo(
    () =>
      appBridge
        ? createGraphQLClient({
            url: resolveApiUrl(env.apiPath, window.location.origin),
            fetch: (input, init) => window.fetch(input, init),
            bridge: appBridge,
          })
        : null,
    [appBridge],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <ClientContext.Provider value={client}>{children}</ClientContext.Provider>
    </QueryClientProvider>
  );
};
