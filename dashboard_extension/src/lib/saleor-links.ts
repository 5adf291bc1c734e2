/**
 * Paths of Saleor's own Dashboard pages. The app opens them through App Bridge's
 * `redirect` action: the Dashboard navigates itself (the app's iframe cannot).
 */

export type SaleorPage =
  | { kind: "customer"; id: string }
  | { kind: "product"; id: string }
  | { kind: "order"; id: string }
  | { kind: "customers" };

export const saleorPath = (page: SaleorPage): string => {
  switch (page.kind) {
    case "customer":
      return `/customers/${encodeURIComponent(page.id)}`;
    case "product":
      return `/products/${encodeURIComponent(page.id)}`;
    case "order":
      return `/orders/${encodeURIComponent(page.id)}`;
    case "customers":
      return "/customers/";
  }
};
