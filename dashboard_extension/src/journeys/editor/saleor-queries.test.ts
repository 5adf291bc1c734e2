/**
 * The Saleor queries validated against the Saleor schema the backend is built against
 * (tests/saleor_reference/schema.graphql, with the other Saleor reference files the Python
 * tests read through tests/support/samples.py).
 */
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import * as queries from "./saleor-queries";
import { saleorRequest } from "./saleor-queries";
import saleorSdl from "../../../../tests/saleor_reference/schema.graphql?raw";

describe("Saleor queries", () => {
  it.each(Object.entries(queries).filter(([name]) => name.endsWith("_QUERY")))("%s is valid for Saleor", (_name, query) => {
    const schema = buildSchema(saleorSdl, { assumeValidSDL: true });
    expect(validate(schema, parse(query as string)).map((e) => e.message)).toEqual([]);
  });

  it("sends the App Bridge token to Saleor's API and returns the data", async () => {
    const calls: [string, RequestInit][] = [];
    const data = await saleorRequest<{ channels: unknown[] }>(
      { saleorApiUrl: "https://shop.example.com/graphql/", token: "t0ken" },
      "query { channels { slug } }",
      {},
      async (url, init) => {
        calls.push([url, init]);
        return new Response(JSON.stringify({ data: { channels: [] } }), { status: 200 });
      },
    );
    expect(data).toEqual({ channels: [] });
    expect(calls[0]?.[0]).toBe("https://shop.example.com/graphql/");
    expect((calls[0]?.[1].headers as Record<string, string>).Authorization).toBe("Bearer t0ken");
  });

  it("throws Saleor's errors", async () => {
    const failing = saleorRequest({ saleorApiUrl: "u", token: "t" }, "q", {}, async () =>
      new Response(JSON.stringify({ errors: [{ message: "You need MANAGE_PRODUCTS" }] }), { status: 200 }),
    );
    await expect(failing).rejects.toThrow("You need MANAGE_PRODUCTS");
  });
});
