import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "../lib/graphql";
import { actionsOf, csvFileName, fetchBatchCsv, fillPercent, stateMessageId } from "./batches";

const bridge = (token: string) => ({
  getState: () => ({ token, saleorApiUrl: "https://shop.test/graphql/" }),
  subscribe: () => () => undefined,
});

describe("a print batch in the list", () => {
  it("says its state, including why it closed", () => {
    expect(stateMessageId({ status: "OPEN", closedReason: "" })).toBe("postal.state.open");
    expect(stateMessageId({ status: "CLOSED", closedReason: "download" })).toBe("postal.state.closedByDownload");
    expect(stateMessageId({ status: "CLOSED", closedReason: "cut_off" })).toBe("postal.state.closedByCutOff");
    expect(stateMessageId({ status: "SENT", closedReason: "download" })).toBe("postal.state.sent");
  });

  it("is downloaded when it has cards and marked sent once closed", () => {
    expect(actionsOf({ status: "OPEN", cards: 3 })).toEqual({ download: true, markSent: false });
    expect(actionsOf({ status: "CLOSED", cards: 3 })).toEqual({ download: true, markSent: true });
    expect(actionsOf({ status: "CLOSED", cards: 0 })).toEqual({ download: false, markSent: true });
    expect(actionsOf({ status: "SENT", cards: 3 })).toEqual({ download: true, markSent: false });
  });

  it("names its file as the server does and shows how full it is", () => {
    expect(csvFileName({ day: "2026-11-23", node: "card", sequence: 2 })).toBe("postal-2026-11-23-card-2.csv");
    expect(fillPercent({ cards: 250, maxCards: 1000 })).toBe(25);
    expect(fillPercent({ cards: 1, maxCards: 3 })).toBe(33);
    expect(fillPercent({ cards: 5, maxCards: 0 })).toBe(0);
  });
});

describe("fetchBatchCsv", () => {
  it("asks for the batch's path on the app's origin with the Dashboard's token and shop", async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      return new Response("name,company\r\nAda Lovelace,\r\n", { status: 200 });
    };

    const blob = await fetchBatchCsv({ csvPath: "/api/postal/batches/7.csv", origin: "https://app.test", bridge: bridge("t"), fetch });

    expect(await blob.text()).toBe("name,company\r\nAda Lovelace,\r\n");
    expect(calls).toEqual([
      {
        url: "https://app.test/api/postal/batches/7.csv",
        headers: { "Authorization-Bearer": "t", "Saleor-Api-Url": "https://shop.test/graphql/" },
      },
    ]);
  });

  it("refuses a path that is not a batch's CSV without asking, and reports the server's refusal", async () => {
    let asked = 0;
    const fetch = async () => {
      asked += 1;
      return new Response(JSON.stringify({ error: { message: "No such postal batch" } }), { status: 404 });
    };

    await expect(fetchBatchCsv({ csvPath: "https://evil.test/x.csv", origin: "https://app.test", bridge: bridge("t"), fetch })).rejects.toBeInstanceOf(
      GraphQLRequestError,
    );
    expect(asked).toBe(0);
    await expect(fetchBatchCsv({ csvPath: "/api/postal/batches/9.csv", origin: "https://app.test", bridge: bridge("t"), fetch })).rejects.toThrow(
      "No such postal batch",
    );
    expect(asked).toBe(1);
  });
});
