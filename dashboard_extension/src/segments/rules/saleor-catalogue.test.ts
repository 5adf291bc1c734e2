/**
 * The rule builder's Saleor queries are valid against the Saleor schema the backend is built
 * against (tests/saleor_reference/schema.graphql), and their answers become the
 * picker's items.
 */
import { buildSchema, getVariableValues, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import saleorSdl from "../../../../tests/saleor_reference/schema.graphql?raw";
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
    expect(variantLabel("Apple Juice", "UHJvZHVjdFZhcmlhbnQ6Mzg0", null, "UHJvZHVjdFZhcmlhbnQ6Mzg0")).toBe("Apple Juice");
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

describe("catalogue requests", () => {
  const fits = (request: catalogue.CatalogueRequest) => {
    const document = parse(request.query);
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    if (operation?.kind !== "OperationDefinition") throw new Error("no operation");
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
    return "errors" in coerced && coerced.errors ? coerced.errors.map((e) => e.message) : [];
  };

  it.each(["product", "variant", "category"] as const)("for %s send variables Saleor's schema accepts", (kind) => {
    expect(fits(catalogue.catalogueSearch(kind, "tee"))).toEqual([]);
    expect(fits(catalogue.catalogueNames(kind, ["UHJvZHVjdDoxMzQ="]))).toEqual([]);
  });

  it("searches by the typed text and names saved ids", () => {
    expect(catalogue.catalogueSearch("product", "tee").variables).toEqual({ search: "tee", first: 20 });
    expect(catalogue.catalogueSearch("category", "jui").variables).toEqual({ filter: { search: "jui" }, first: 20 });
    expect(catalogue.catalogueSearch("variant", "tee").variables).toEqual({ search: "tee" });
    expect(catalogue.catalogueNames("product", ["P1", "P2"]).variables).toEqual({ where: { ids: ["P1", "P2"] }, first: 100 });
    expect(catalogue.catalogueNames("category", ["C1"]).variables).toEqual({ filter: { ids: ["C1"] }, first: 100 });
    expect(catalogue.catalogueNames("variant", ["V1"]).variables).toEqual({ ids: ["V1"] });
  });
});
