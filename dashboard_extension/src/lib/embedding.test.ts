import { describe, expect, it } from "vitest";

import { decideEmbedding, isInIframe, notEmbeddedMessageId } from "./embedding";

const handshaked = { token: "jwt", saleorApiUrl: "https://shop.example.com/graphql/" };

describe("decideEmbedding", () => {
  it("is not embedded outside an iframe, even before the timeout", () => {
    expect(decideEmbedding({ inIframe: false, state: handshaked, timedOut: false })).toEqual({
      status: "not-embedded",
      reason: "not-in-iframe",
    });
  });

  it("is embedded once the token and API URL are known", () => {
    expect(decideEmbedding({ inIframe: true, state: handshaked, timedOut: false })).toEqual({
      status: "embedded",
      token: "jwt",
      saleorApiUrl: "https://shop.example.com/graphql/",
    });
  });

  it("accepts a handshake that arrives after the timeout", () => {
    expect(decideEmbedding({ inIframe: true, state: handshaked, timedOut: true }).status).toBe("embedded");
  });

  it("waits for the handshake while the timeout has not elapsed", () => {
    expect(decideEmbedding({ inIframe: true, state: null, timedOut: false })).toEqual({ status: "pending" });
    expect(decideEmbedding({ inIframe: true, state: { saleorApiUrl: "x" }, timedOut: false })).toEqual({
      status: "pending",
    });
  });

  it("gives up without a token after the timeout", () => {
    expect(decideEmbedding({ inIframe: true, state: { saleorApiUrl: "x" }, timedOut: true })).toEqual({
      status: "not-embedded",
      reason: "no-token",
    });
    expect(decideEmbedding({ inIframe: true, state: undefined, timedOut: true })).toMatchObject({
      reason: "no-token",
    });
  });

  it("reports a missing API URL when only the token arrived", () => {
    expect(decideEmbedding({ inIframe: true, state: { token: "jwt", saleorApiUrl: "" }, timedOut: true })).toEqual({
      status: "not-embedded",
      reason: "no-api-url",
    });
  });
});

describe("notEmbeddedMessageId", () => {
  it("names a message per reason", () => {
    expect((["not-in-iframe", "no-token", "no-api-url"] as const).map(notEmbeddedMessageId)).toEqual([
      "shell.notEmbedded.not-in-iframe",
      "shell.notEmbedded.no-token",
      "shell.notEmbedded.no-api-url",
    ]);
  });
});

describe("isInIframe", () => {
  it("is false for a top-level window", () => {
    const win = { self: {}, top: {} };

    win.top = win.self;
    expect(isInIframe(win)).toBe(false);
  });

  it("is true when top differs from self", () => {
    expect(isInIframe({ self: {}, top: {} })).toBe(true);
  });

  it("is true when reading top throws", () => {
    const win = {
      self: {},
      get top(): unknown {
        throw new Error("cross-origin");
      },
    };

    expect(isInIframe(win)).toBe(true);
  });
});
