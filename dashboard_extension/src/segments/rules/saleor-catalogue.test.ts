/**
 * The rule builder's Saleor queries are valid against the Saleor schema the backend is built
 * against (shared/saleor/schema.graphql beside the repository), and their answers become the
 * picker's items.
 */
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import saleorSdl from "../../../../../shared/saleor/schema.graphql?raw";
import * as catalogue from "./saleor-catalogue";
import { categoryItems, productItems, variantItems, variantLabel, variantSearchItems } from "./saleor-catalogue";

const schema = buildSchema(saleorSdl, { assumeValidSDL: true });

describe("rule builder Saleor queries", () => {
  const queries = Object.entries(catalogue).filter(([name]) => name.endsWith("_QUERY"));

  it("are found", () => {
    expect(queries.map(([name]) => name).sort()).toEqual(["RULE_CATEGORIES_QUERY", "RULE_PRODUCTS_QUERY", "RULE_VARIANTS_QUERY", "RULE_VARIANTS_SEARCH_QUERY"]);
  });

  it.each(queries)("%s is valid for Saleor", (_name, query) => {
    expect(validate(schema, parse(query as string)).map((e) => e.message)).toEqual([]);
  });
});

describe("picker items", () => {
  it("names products and categories", () => {
    expect(productItems({ products: { edges: [{ node: { id: "UHJvZHVjdDo3Mg==", name: "Juice" } }] } })).toEqual([{ id: "UHJvZHVjdDo3Mg==", label: "Juice" }]);
    expect(productItems({ products: null })).toEqual([]);
    expect(categoryItems({ categories: { edges: [{ node: { id: "Q2F0ZWdvcnk6MQ==", name: "Juices" } }] } })).toEqual([{ id: "Q2F0ZWdvcnk6MQ==", label: "Juices" }]);
  });

  it("names variants by their product, name and SKU", () => {
    expect(variantLabel("Shirt", "XL", "SH-XL")).toBe("Shirt / XL (SH-XL)");
    expect(variantLabel("Juice", "Juice", null)).toBe("Juice");
    expect(variantLabel("Juice", "", "J-1")).toBe("Juice (J-1)");
    expect(
      variantSearchItems({
        products: {
          edges: [
            { node: { id: "P1", name: "Shirt", variants: [{ id: "V1", name: "S", sku: "SH-S" }, { id: "V2", name: "M", sku: null }] } },
            { node: { id: "P2", name: "Mug", variants: null } },
          ],
        },
      }),
    ).toEqual([
      { id: "V1", label: "Shirt / S (SH-S)" },
      { id: "V2", label: "Shirt / M" },
    ]);
    expect(variantItems({ productVariants: { edges: [{ node: { id: "V1", name: "S", sku: "SH-S", product: { id: "P1", name: "Shirt" } } }] } })).toEqual([
      { id: "V1", label: "Shirt / S (SH-S)" },
    ]);
  });
});
