/** The imports page's data: the file sent as it is (upload.ts), the import's progress polled
 * through GraphQL while it runs, the recent imports. */
import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";

import { useGraphQLClient } from "../providers/data-provider";
import { CSV_IMPORT_QUERY, CSV_IMPORTS_QUERY } from "./imports.documents";
import { type CsvImport, type ImportKind, isActive } from "./preview";
import { createImportsApi, type ImportsApi } from "./upload";

export const POLL_MS = 1000;

export const importsKey = (...parts: unknown[]) => ["imports", ...parts] as const;

export const useImportsApi = (): ImportsApi => {
  const { appBridge } = useAppBridge();
  return useMemo(() => {
    if (!appBridge) {
      throw new Error("The imports page needs the Dashboard (App Bridge)");
    }
    return createImportsApi({ origin: window.location.origin, fetch: (input, init) => window.fetch(input, init), bridge: appBridge });
  }, [appBridge]);
};

export const usePreview = () => {
  const api = useImportsApi();
  return useMutation({ mutationFn: ({ kind, file }: { kind: ImportKind; file: File }) => api.preview(kind, file) });
};

export const useStartImport = () => {
  const api = useImportsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, file, source }: { kind: ImportKind; file: File; source: string }) => api.start(kind, file, file.name, source),
    onSettled: () => queryClient.invalidateQueries({ queryKey: importsKey("list") }),
  });
};

/** One import, asked again every second while it is queued or running. */
export const useCsvImport = (id: string | null) => {
  const client = useGraphQLClient();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: importsKey("one", id),
    enabled: id !== null,
    queryFn: async ({ signal }) => {
      const data = await client.request<{ csvImport: (CsvImport & { rowErrors: CsvImport["rowErrors"] }) | null }>(CSV_IMPORT_QUERY, { id }, { signal });
      if (data.csvImport && !isActive(data.csvImport.status)) {
        void queryClient.invalidateQueries({ queryKey: importsKey("list") });
      }
      return data.csvImport;
    },
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? POLL_MS : false),
  });
};

export const useCsvImports = () => {
  const client = useGraphQLClient();
  return useQuery({
    queryKey: importsKey("list"),
    queryFn: ({ signal }) =>
      client.request<{ csvImports: Omit<CsvImport, "rowErrors">[] }>(CSV_IMPORTS_QUERY, {}, { signal }).then((data) => data.csvImports),
  });
};

export const useRowErrorsDownload = () => {
  const api = useImportsApi();
  return useMutation({ mutationFn: (id: string) => api.rowErrors(id) });
};
