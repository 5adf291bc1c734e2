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

export const NOT_EMBEDDED_MESSAGE = "Open this app from your Saleor Dashboard (Apps → Marketing Automation)";

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

export const describeNotEmbeddedReason = (reason: NotEmbeddedReason): string => {
  switch (reason) {
    case "not-in-iframe":
      return "This page was opened directly in the browser, outside the Dashboard.";
    case "no-token":
      return "The Dashboard did not send an access token to this app.";
    case "no-api-url":
      return "The Dashboard did not pass the saleorApiUrl parameter to this app.";
  }
};

type WindowLike = { self: unknown; top: unknown };

/** True when the page is framed. A cross-origin `top` can throw on access; that also means framed. */
export const isInIframe = (win: WindowLike): boolean => {
  try {
    return win.self !== win.top;
  } catch {
    return true;
  }
};
