import { describe, expect, it } from "vitest";

import { toMacawTheme } from "./theme";

describe("toMacawTheme", () => {
  it("maps dark to defaultDark", () => {
    expect(toMacawTheme("dark")).toBe("defaultDark");
  });

  it.each(["light", undefined, "sepia"])("maps %j to defaultLight", (theme) => {
    expect(toMacawTheme(theme)).toBe("defaultLight");
  });
});
