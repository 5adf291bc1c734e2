/**
 * What the rule builder asks Saleor itself, with the Dashboard user's App Bridge token: products,
 * variants (found through their product) and categories to pick for an order condition, and the
 * names of the ids a definition already holds. Not a `*.documents.ts` file: these are validated
 * against Saleor's schema (saleor-catalogue.test.ts), not the app's.
 */

export const RULE_PRODUCTS_QUERY = /* GraphQL */ `
  query SegmentRuleProducts($search: String, $ids: [ID!], $first: Int!) {
    products(first: $first, search: $search, where: { ids: $ids }) {
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
  query SegmentRuleCategories($search: String, $ids: [ID!], $first: Int!) {
    categories(first: $first, filter: { search: $search, ids: $ids }) {
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

/** A variant as the admin knows it: "Product / Variant (SKU)", the parts it has. */
export const variantLabel = (product: string, name: string, sku: string | null): string => {
  const own = name && name !== product ? `${product} / ${name}` : product;
  return sku ? `${own} (${sku})` : own;
};

export const productItems = (answer: ProductsAnswer): CatalogueItem[] =>
  (answer.products?.edges ?? []).map(({ node }) => ({ id: node.id, label: node.name }));

export const categoryItems = (answer: CategoriesAnswer): CatalogueItem[] =>
  (answer.categories?.edges ?? []).map(({ node }) => ({ id: node.id, label: node.name }));

export const variantSearchItems = (answer: VariantSearchAnswer): CatalogueItem[] =>
  (answer.products?.edges ?? []).flatMap(({ node }) =>
    (node.variants ?? []).map((variant) => ({ id: variant.id, label: variantLabel(node.name, variant.name, variant.sku) })),
  );

export const variantItems = (answer: VariantsAnswer): CatalogueItem[] =>
  (answer.productVariants?.edges ?? []).map(({ node }) => ({ id: node.id, label: variantLabel(node.product.name, node.name, node.sku) }));
