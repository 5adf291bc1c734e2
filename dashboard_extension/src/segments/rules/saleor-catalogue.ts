/**
 * What the rule builder asks Saleor itself, with the Dashboard user's App Bridge token: products,
 * variants (found through their product) and categories to pick for an order condition, and the
 * names of the ids a definition already holds. Not a `*.documents.ts` file: these are validated
 * against Saleor's schema (saleor-catalogue.test.ts), not the app's.
 */

export const RULE_PRODUCTS_QUERY = /* GraphQL */ `
  query SegmentRuleProducts($search: String, $where: ProductWhereInput, $first: Int!) {
    products(first: $first, search: $search, where: $where) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export const RULE_VARIANTS_SEARCH_QUERY = /* GraphQL */ `
  query SegmentRuleVariantSearch($search: String!) {
    products(first: 10, search: $search) {
      edges {
        node {
          id
          name
          variants {
            id
            name
            sku
          }
        }
      }
    }
  }
`;

export const RULE_VARIANTS_QUERY = /* GraphQL */ `
  query SegmentRuleVariants($ids: [ID!]!) {
    productVariants(first: 100, ids: $ids) {
      edges {
        node {
          id
          name
          sku
          product {
            id
            name
          }
        }
      }
    }
  }
`;

export const RULE_CATEGORIES_QUERY = /* GraphQL */ `
  query SegmentRuleCategories($filter: CategoryFilterInput, $first: Int!) {
    categories(first: $first, filter: $filter) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export type CatalogueItem = { id: string; label: string };

type Edges<T> = { edges: { node: T }[] } | null;

export type ProductsAnswer = { products: Edges<{ id: string; name: string }> };
export type VariantSearchAnswer = {
  products: Edges<{ id: string; name: string; variants: { id: string; name: string; sku: string | null }[] | null }>;
};
export type VariantsAnswer = {
  productVariants: Edges<{ id: string; name: string; sku: string | null; product: { id: string; name: string } }>;
};
export type CategoriesAnswer = { categories: Edges<{ id: string; name: string }> };

/** A variant as the admin knows it: "Product / Variant (SKU)", the parts it has (Saleor names a
 * variant without attributes by its id: that is no name). */
export const variantLabel = (product: string, name: string, sku: string | null, id = ""): string => {
  const own = name && name !== product && name !== id ? `${product} / ${name}` : product;
  return sku ? `${own} (${sku})` : own;
};

export const productItems = (answer: ProductsAnswer): CatalogueItem[] =>
  (answer.products?.edges ?? []).map(({ node }) => ({ id: node.id, label: node.name }));

export const categoryItems = (answer: CategoriesAnswer): CatalogueItem[] =>
  (answer.categories?.edges ?? []).map(({ node }) => ({ id: node.id, label: node.name }));

export const variantSearchItems = (answer: VariantSearchAnswer): CatalogueItem[] =>
  (answer.products?.edges ?? []).flatMap(({ node }) =>
    (node.variants ?? []).map((variant) => ({ id: variant.id, label: variantLabel(node.name, variant.name, variant.sku, variant.id) })),
  );

export const variantItems = (answer: VariantsAnswer): CatalogueItem[] =>
  (answer.productVariants?.edges ?? []).map(({ node }) => ({ id: node.id, label: variantLabel(node.product.name, node.name, node.sku, node.id) }));

export type CatalogueKind = "product" | "variant" | "category";
export type CatalogueRequest = { query: string; variables: Record<string, unknown>; items: (answer: never) => CatalogueItem[] };

/** What to ask Saleor for the items matching a typed search. */
export const catalogueSearch = (kind: CatalogueKind, text: string): CatalogueRequest => {
  if (kind === "product") return { query: RULE_PRODUCTS_QUERY, variables: { search: text, first: 20 }, items: productItems };
  if (kind === "category") return { query: RULE_CATEGORIES_QUERY, variables: { filter: { search: text }, first: 20 }, items: categoryItems };
  return { query: RULE_VARIANTS_SEARCH_QUERY, variables: { search: text }, items: variantSearchItems };
};

/** What to ask Saleor for the names of saved ids. */
export const catalogueNames = (kind: CatalogueKind, ids: readonly string[]): CatalogueRequest => {
  if (kind === "product") return { query: RULE_PRODUCTS_QUERY, variables: { where: { ids: [...ids] }, first: 100 }, items: productItems };
  if (kind === "category") return { query: RULE_CATEGORIES_QUERY, variables: { filter: { ids: [...ids] }, first: 100 }, items: categoryItems };
  return { query: RULE_VARIANTS_QUERY, variables: { ids: [...ids] }, items: variantItems };
};
