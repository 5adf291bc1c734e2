/**
 * Decides whether the page runs inside the Saleor Dashboard, based on the
 * App Bridge state and whether the handshake wait has elapsed.
 */

/** The subset of App Bridge state this decision needs (structurally matches `AppBridgeState`). */
export type BridgeStateLike = { token?: string; saleorApiUrl?: string } | null | undefined;

export type NotEmbeddedReason = "not-in-iframe" | "no-token" | "no-api-url";

export type Embedding =
  | { status: "pending" }
  | { status: "embedded"; token: string; saleorApiUrl: string }
  | { status: "not-embedded"; reason: NotEmbeddedReason };

export type EmbeddingInput = {
  inIframe: boolean;
  state: BridgeStateLike;
  timedOut: boolean;
};

export const decideEmbedding = ({ inIframe, state, timedOut }: EmbeddingInput): Embedding => {
  if (!inIframe) {
    return { status: "not-embedded", reason: "not-in-iframe" };
  }

  const token = state?.token;
  const saleorApiUrl = state?.saleorApiUrl;

  // A late handshake still wins: once a token is there, we are embedded.
  if (token && saleorApiUrl) {
    return { status: "embedded", token, saleorApiUrl };
  }

  if (!timedOut) {
    return { status: "pending" };
  }

  return { status: "not-embedded", reason: token ? "no-api-url" : "no-token" };
};

/** Message id of the sentence explaining why the page is not in the Dashboard. */
export const notEmbeddedMessageId = (reason: NotEmbeddedReason): string => `shell.notEmbedded.${reason}`;

type WindowLike = { self: unknown; top: unknown };

/** True when the page is framed. A cross-origin `top` can throw on access; that also means framed. */
export const isInIframe = (win: WindowLike): boolean => {
  try {
    return win.self !== win.top;
  } catch {
    return true;
  }
};
