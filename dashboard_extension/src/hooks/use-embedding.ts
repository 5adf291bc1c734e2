import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useEffect, useState } from "react";

import { env } from "../env";
import { decideEmbedding, type Embedding, isInIframe } from "../lib/embedding";

/** Waits up to `env.handshakeTimeoutMs` for the Dashboard handshake, then decides. */
export const useEmbedding = (): Embedding => {
  const { appBridge, appBridgeState } = useAppBridge();
  const [timedOut, setTimedOut] = useState(false);

  useEffect(() => {
    const timer = window.setTimeout(() => setTimedOut(true), env.handshakeTimeoutMs);

    return () => window.clearTimeout(timer);
  }, []);

  // Read the bridge directly too: a handshake that lands before the hook
  // subscribes is not pushed into appBridgeState, but getState() has it.
  const state = appBridge?.getState() ?? appBridgeState;

  return decideEmbedding({ inIframe: isInIframe(window), state, timedOut });
};
