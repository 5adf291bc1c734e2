import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "./graphql";
import { shouldRetry } from "./query-client";

const failure = (status: number | undefined, code = "X") => new GraphQLRequestError({ ok: false, message: "m", code, status });

describe("shouldRetry", () => {
  it("retries a network failure and a server error, twice at most", () => {
    expect(shouldRetry(0, failure(undefined, "NETWORK_ERROR"))).toBe(true);
    expect(shouldRetry(1, failure(503))).toBe(true);
    expect(shouldRetry(2, failure(503))).toBe(false);
  });

  it("does not retry a refused call or a GraphQL error", () => {
    expect(shouldRetry(0, failure(401))).toBe(false);
    expect(shouldRetry(0, failure(403))).toBe(false);
    expect(shouldRetry(0, failure(200, "NOT_FOUND"))).toBe(false);
  });

  it("does not retry a cancelled call or an unknown error", () => {
    expect(shouldRetry(0, new DOMException("cancelled", "AbortError"))).toBe(false);
    expect(shouldRetry(0, new TypeError("bug"))).toBe(false);
  });
});
