import { describe, expect, it } from "vitest";

import { saleorPath } from "./saleor-links";

describe("saleorPath", () => {
  it("names the Dashboard's page of each kind", () => {
    expect(saleorPath({ kind: "customer", id: "VXNlcjox" })).toBe("/customers/VXNlcjox");
    expect(saleorPath({ kind: "product", id: "UHJvZHVjdDo3Mg==" })).toBe("/products/UHJvZHVjdDo3Mg%3D%3D");
    expect(saleorPath({ kind: "order", id: "T3JkZXI6MQ==" })).toBe("/orders/T3JkZXI6MQ%3D%3D");
    expect(saleorPath({ kind: "customers" })).toBe("/customers/");
  });
});
