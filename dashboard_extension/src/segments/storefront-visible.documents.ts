/** The storefront-visibility switch's GraphQL document (validated against schema.graphql in documents.test.ts). */

export const SET_SEGMENT_STOREFRONT_VISIBLE_MUTATION = `mutation SegmentStorefrontVisible($id: ID!, $visible: Boolean!) {
  setSegmentStorefrontVisible(id: $id, visible: $visible) { segment { id storefrontVisible } }
}`;
