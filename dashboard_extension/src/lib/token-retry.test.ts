import { describe, expect, it } from "vitest";

import { type TokenBridge, type Timers, waitForTokenRefresh, withTokenRetry } from "./token-retry";

/** A stand-in for App Bridge: a token in state, and tokenRefresh events sent by the test. */
class FakeBridge implements TokenBridge {
  token: string | undefined;
  listeners = new Set<(payload: { token: string }) => void>();

  constructor(token?: string) {
    this.token = token;
  }

  getState() {
    return { token: this.token };
  }

  subscribe(_event: "tokenRefresh", callback: (payload: { token: string }) => void) {
    this.listeners.add(callback);
    return () => {
      this.listeners.delete(callback);
    };
  }

  refresh(token: string) {
    this.token = token;
    for (const listener of [...this.listeners]) {
      listener({ token });
    }
  }
}

/** Timers fired by the test, never by the clock. */
class ManualTimers implements Timers {
  pending = new Map<number, () => void>();
  next = 0;

  setTimeout(callback: () => void) {
    this.next += 1;
    this.pending.set(this.next, callback);
    return this.next;
  }

  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }

  fireAll() {
    for (const [id, callback] of [...this.pending]) {
      this.pending.delete(id);
      callback();
    }
  }
}

type Result = { status: number; token: string };

const recordingAttempt = (statuses: number[]) => {
  const tokens: string[] = [];
  const attempt = async (token: string): Promise<Result> => {
    tokens.push(token);
    return { status: statuses[tokens.length - 1] ?? 200, token };
  };
  return { tokens, attempt };
};

const unauthorized = (result: Result) => result.status === 401;

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("withTokenRetry", () => {
  it("reads the token from the bridge on every call", async () => {
    const bridge = new FakeBridge("t1");
    const { tokens, attempt } = recordingAttempt([200, 200]);

    await withTokenRetry(bridge, attempt, unauthorized);
    bridge.token = "t2";
    await withTokenRetry(bridge, attempt, unauthorized);

    expect(tokens).toEqual(["t1", "t2"]);
  });

  it("does not retry a call that was not refused", async () => {
    const bridge = new FakeBridge("t1");
    const { tokens, attempt } = recordingAttempt([403]);

    expect(await withTokenRetry(bridge, attempt, unauthorized)).toEqual({ status: 403, token: "t1" });
    expect(tokens).toEqual(["t1"]);
    expect(bridge.listeners.size).toBe(0);
  });

  it("retries a 401 once after the next tokenRefresh, with the new token", async () => {
    const bridge = new FakeBridge("old");
    const timers = new ManualTimers();
    const { tokens, attempt } = recordingAttempt([401, 200]);

    const pending = withTokenRetry(bridge, attempt, unauthorized, { timers });
    await flush();
    expect(tokens).toEqual(["old"]);
    expect(bridge.listeners.size).toBe(1);

    bridge.refresh("new");

    expect(await pending).toEqual({ status: 200, token: "new" });
    expect(tokens).toEqual(["old", "new"]);
    expect(bridge.listeners.size).toBe(0);
    expect(timers.pending.size).toBe(0);
  });

  it("retries at once when the token changed while the call ran", async () => {
    const bridge = new FakeBridge("old");
    const tokens: string[] = [];
    const attempt = async (token: string): Promise<Result> => {
      tokens.push(token);
      if (tokens.length === 1) {
        bridge.token = "refreshed";
        return { status: 401, token };
      }
      return { status: 200, token };
    };

    expect(await withTokenRetry(bridge, attempt, unauthorized)).toEqual({ status: 200, token: "refreshed" });
    expect(tokens).toEqual(["old", "refreshed"]);
  });

  it("retries only once: a second 401 is the answer", async () => {
    const bridge = new FakeBridge("old");
    const { tokens, attempt } = recordingAttempt([401, 401, 200]);

    const pending = withTokenRetry(bridge, attempt, unauthorized, { timers: new ManualTimers() });
    await flush();
    bridge.refresh("new");

    expect(await pending).toEqual({ status: 401, token: "new" });
    expect(tokens).toEqual(["old", "new"]);
  });

  it("gives the first 401 back when no tokenRefresh comes in time", async () => {
    const bridge = new FakeBridge("old");
    const timers = new ManualTimers();
    const { tokens, attempt } = recordingAttempt([401, 200]);

    const pending = withTokenRetry(bridge, attempt, unauthorized, { timers });
    await flush();
    timers.fireAll();

    expect(await pending).toEqual({ status: 401, token: "old" });
    expect(tokens).toEqual(["old"]);
    expect(bridge.listeners.size).toBe(0);
  });

  it("stops waiting when the call is cancelled", async () => {
    const bridge = new FakeBridge("old");
    const timers = new ManualTimers();
    const controller = new AbortController();
    const { tokens, attempt } = recordingAttempt([401, 200]);

    const pending = withTokenRetry(bridge, attempt, unauthorized, { timers, signal: controller.signal });
    await flush();
    controller.abort();

    expect(await pending).toEqual({ status: 401, token: "old" });
    bridge.refresh("new");
    expect(tokens).toEqual(["old"]);
    expect(timers.pending.size).toBe(0);
  });

  it("runs without a token (the API says why it refuses)", async () => {
    const bridge = new FakeBridge(undefined);
    const { tokens, attempt } = recordingAttempt([200]);

    await withTokenRetry(bridge, attempt, unauthorized);

    expect(tokens).toEqual([""]);
  });
});

describe("waitForTokenRefresh", () => {
  it("answers null at once for an already cancelled call", async () => {
    const controller = new AbortController();
    controller.abort();
    const bridge = new FakeBridge("t");

    expect(await waitForTokenRefresh(bridge, { signal: controller.signal, timers: new ManualTimers() })).toBeNull();
    expect(bridge.listeners.size).toBe(0);
  });

  it("ignores refreshes after the first", async () => {
    const bridge = new FakeBridge("t");
    const pending = waitForTokenRefresh(bridge, { timers: new ManualTimers() });

    bridge.refresh("a");
    bridge.refresh("b");

    expect(await pending).toBe("a");
  });
});
