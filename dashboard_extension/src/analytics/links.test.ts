import { describe, expect, it } from "vitest";

import { globalIdType, rowLinks } from "./links";

describe("globalIdType", () => {
  it("reads the type of a global id", () => {
    expect(globalIdType("Sm91cm5leToz")).toBe("Journey");
    expect(globalIdType("VGVtcGxhdGU6Nw==")).toBe("Template");
    expect(globalIdType("not base64!")).toBeNull();
    expect(globalIdType(btoa("Journey:"))).toBeNull();
  });
});

describe("rowLinks", () => {
  it("links a journey row to its editor and its analytics", () => {
    expect(rowLinks("journey", "Sm91cm5leToz")).toEqual({
      editor: "/journeys/Sm91cm5leToz",
      analytics: "/journeys/Sm91cm5leToz/analytics",
    });
    expect(rowLinks("journey", "Sm91cm5leToxMg==")).toEqual({
      editor: "/journeys/Sm91cm5leToxMg%3D%3D",
      analytics: "/journeys/Sm91cm5leToxMg%3D%3D/analytics",
    });
  });

  it("links no template row (the app has no template page) and no row of another type", () => {
    expect(rowLinks("template", "VGVtcGxhdGU6Nw==")).toBeNull();
    expect(rowLinks("journey", "VGVtcGxhdGU6Nw==")).toBeNull();
  });
});
