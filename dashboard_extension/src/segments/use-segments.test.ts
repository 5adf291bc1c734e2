import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { previewQueryOptions } from "./use-segments";

const definition = (country: string) => ({ version: 1, root: { type: "profile", field: "country", op: "eq", value: country } });

/** A client whose answers wait until released, recording each call's variables and signal. */
const slowClient = () => {
  const calls: { variables: Record<string, unknown> | undefined; signal: AbortSignal | undefined; answer: (count: number) => void }[] = [];
  return {
    calls,
    request: <T>(_query: string, variables?: Record<string, unknown>, options: { signal?: AbortSignal } = {}) =>
      new Promise<T>((resolve, reject) => {
        options.signal?.addEventListener("abort", () => reject(new DOMException("cancelled", "AbortError")));
        calls.push({
          variables,
          signal: options.signal,
          answer: (count) => resolve({ segmentPreview: { count, sample: [], errors: [] } } as T),
        });
      }),
  };
};

describe("the live count's query", () => {
  it("cancels the request of older rules once newer ones are asked about, and keeps showing the older count meanwhile", async () => {
    const queryClient = new QueryClient();
    const client = slowClient();
    const de = definition("DE");
    const fr = definition("FR");
    const observer = new QueryObserver(queryClient, previewQueryOptions(client, de, JSON.stringify(de)));
    const seen: (number | undefined)[] = [];
    const unsubscribe = observer.subscribe((result) => seen.push(result.data?.count));
    await expect.poll(() => client.calls.length).toBe(1);
    client.calls[0]!.answer(3);
    await expect.poll(() => observer.getCurrentResult().data?.count).toBe(3);

    // newer rules while the request of the previous ones is on its way
    observer.setOptions(previewQueryOptions(client, fr, JSON.stringify(fr)));
    await expect.poll(() => client.calls.length).toBe(2);
    const at = definition("AT");
    observer.setOptions(previewQueryOptions(client, at, JSON.stringify(at)));
    await expect.poll(() => client.calls.length).toBe(3);

    expect(client.calls.map((call) => [(call.variables?.definition as typeof de).root.value, call.signal?.aborted])).toEqual([
      ["DE", false],
      ["FR", true],
      ["AT", false],
    ]);
    expect(observer.getCurrentResult()).toMatchObject({ data: { count: 3 }, isPlaceholderData: true, isFetching: true });
    client.calls[2]!.answer(5);
    await expect.poll(() => observer.getCurrentResult().data?.count).toBe(5);
    expect(observer.getCurrentResult().data?.key).toBe(JSON.stringify(at));
    unsubscribe();
    expect(seen).toContain(3);
  });
});
