/**
 * The Dashboard's token expires while a page stays open; the Dashboard then sends a new one
 * (the `tokenRefresh` event). A call refused with 401 is retried once: at once when the token
 * changed while it ran, else after the next `tokenRefresh` (or not at all when none comes in
 * time or the call was cancelled).
 */

export const TOKEN_REFRESH_WAIT_MS = 15_000;

/** What this module needs of App Bridge (structurally matches `AppBridge`). */
export type TokenBridge = {
  getState(): { token?: string };
  subscribe(event: "tokenRefresh", callback: (payload: { token: string }) => void): () => void;
};

export type Timers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The token of the next `tokenRefresh`, or null after `timeoutMs` or on abort. */
export const waitForTokenRefresh = (
  bridge: TokenBridge,
  { signal, timeoutMs = TOKEN_REFRESH_WAIT_MS, timers = defaultTimers }: WaitOptions = {},
): Promise<string | null> =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(null);
      return;
    }

    let settled = false;
    const finish = (token: string | null) => {
      if (settled) {
        return;
      }

      settled = true;
      unsubscribe();
      timers.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(token);
    };
    const onAbort = () => finish(null);
    const unsubscribe = bridge.subscribe("tokenRefresh", ({ token }) => finish(token));
    const timer = timers.setTimeout(() => finish(null), timeoutMs);

    signal?.addEventListener("abort", onAbort);
  });

export type WaitOptions = { signal?: AbortSignal; timeoutMs?: number; timers?: Timers };

export type Attempt<R> = (token: string) => Promise<R>;

/**
 * Runs `attempt` with the current token; on a 401 (`isUnauthorized`), once more with a
 * fresh token. Without any token it still runs (the API answers 401 and says why).
 */
export const withTokenRetry = async <R>(
  bridge: TokenBridge,
  attempt: Attempt<R>,
  isUnauthorized: (result: R) => boolean,
  options: WaitOptions = {},
): Promise<R> => {
  const used = bridge.getState().token ?? "";
  const first = await attempt(used);

  if (!isUnauthorized(first) || options.signal?.aborted) {
    return first;
  }

  const current = bridge.getState().token ?? "";
  const fresh = current && current !== used ? current : await waitForTokenRefresh(bridge, options);

  if (!fresh || options.signal?.aborted) {
    return first;
  }

  return attempt(fresh);
};
