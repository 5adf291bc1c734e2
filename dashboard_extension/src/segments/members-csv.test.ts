import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "../lib/graphql";
import { fetchMembersCsv, membersCsvFileName, segmentPk } from "./members-csv";

const bridge = (token: string) => {
  const listeners: ((payload: { token: string }) => void)[] = [];
  const state = { token, saleorApiUrl: "https://shop.test/graphql/" };
  return {
    getState: () => state,
    subscribe: (_event: "tokenRefresh", callback: (payload: { token: string }) => void) => {
      listeners.push(callback);
      return () => undefined;
    },
    refresh: (next: string) => {
      state.token = next;
      for (const listener of listeners) listener({ token: next });
    },
  };
};

describe("segmentPk", () => {
  it("reads the id inside a segment's global id only", () => {
    expect(segmentPk(btoa("Segment:42"))).toBe("42");
    expect(segmentPk(btoa("Contact:42"))).toBeNull();
    expect(segmentPk("not base64!")).toBeNull();
  });

  it("names the file as the server does", () => {
    expect(membersCsvFileName("stage-vip")).toBe("segment-stage-vip.csv");
  });
});

describe("fetchMembersCsv", () => {
  it("asks with the Dashboard's token and shop, again after a refresh when refused", async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const dashboard = bridge("old");
    const fetch = async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      if (calls.length === 1) {
        setTimeout(() => dashboard.refresh("new"), 0);
        return new Response("{}", { status: 401 });
      }
      return new Response("email\nada@shop.test\n", { status: 200 });
    };

    const blob = await fetchMembersCsv({ segmentId: btoa("Segment:7"), origin: "https://app.test", bridge: dashboard, fetch });

    expect(await blob.text()).toBe("email\nada@shop.test\n");
    expect(calls).toEqual([
      {
        url: "https://app.test/api/segments/7/members.csv",
        headers: { "Authorization-Bearer": "old", "Saleor-Api-Url": "https://shop.test/graphql/" },
      },
      {
        url: "https://app.test/api/segments/7/members.csv",
        headers: { "Authorization-Bearer": "new", "Saleor-Api-Url": "https://shop.test/graphql/" },
      },
    ]);
  });

  it("turns a refusal into an error with the server's message", async () => {
    const fetch = async () => new Response(JSON.stringify({ error: { message: "No such segment", code: "not_found" } }), { status: 404 });

    const failure = await fetchMembersCsv({ segmentId: btoa("Segment:7"), origin: "https://app.test", bridge: bridge("t"), fetch }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(GraphQLRequestError);
    expect((failure as GraphQLRequestError).failure).toEqual({ ok: false, code: "HTTP_ERROR", status: 404, message: "No such segment" });
  });
});
