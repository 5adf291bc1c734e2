/**
 * What the editor asks Saleor itself (channels for vouchers and order conditions, products
 * for order conditions), with the Dashboard user's App Bridge token: the app's own API does
 * not mirror Saleor's catalogue. Not a `*.documents.ts` file: these are validated against
 * Saleor's schema (saleor-queries.test.ts), not the app's.
 */

export const SALEOR_CHANNELS_QUERY = /* GraphQL */ `
  query MautomationChannels {
    channels {
      id
      slug
      name
      currencyCode
      isActive
    }
  }
`;

export const SALEOR_PRODUCTS_QUERY = /* GraphQL */ `
  query MautomationProducts($search: String, $ids: [ID!]) {
    products(first: 20, search: $search, where: { ids: $ids }) {
      edges {
        node {
          id
          name
          thumbnail(size: 64) {
            url
          }
        }
      }
    }
  }
`;

export type SaleorChannel = { id: string; slug: string; name: string; currencyCode: string; isActive: boolean };
export type SaleorProduct = { id: string; name: string; thumbnail: { url: string } | null };

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** One call to Saleor's API as the Dashboard's user (the App Bridge token). */
export const saleorRequest = async <T>(
  { saleorApiUrl, token }: { saleorApiUrl: string; token: string },
  query: string,
  variables: Record<string, unknown>,
  fetch: Fetch,
  signal?: AbortSignal,
): Promise<T> => {
  const response = await fetch(saleorApiUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(body.errors?.map((e) => e.message).join("; ") || `Saleor answered HTTP ${response.status}`);
  }
  return body.data;
};
