import { describe, expect, it } from "vitest";

import { channelFormProblems, channelRefusalField, keyFromName } from "./channel-create";

describe("keyFromName", () => {
  it("makes a key of lower-case letters, digits and hyphens", () => {
    expect(keyFromName("Cart reminder (SMS) №2")).toBe("cart-reminder-sms-no2");
    expect(keyFromName("  Grüße zum Geburtstag! ")).toBe("grusse-zum-geburtstag");
    expect(keyFromName("---")).toBe("");
    expect(keyFromName(`${"a".repeat(63)} b`)).toBe("a".repeat(63));
  });
});

describe("channelFormProblems", () => {
  it("wants a name and a key the API takes", () => {
    expect(channelFormProblems({ name: " ", key: "", kind: "marketing" })).toEqual({
      name: "templates.problem.nameRequired",
      key: "templates.problem.keyRequired",
    });
    expect(channelFormProblems({ name: "Cart", key: "Cart SMS", kind: "marketing" })).toEqual({ key: "templates.problem.keyInvalid" });
    expect(channelFormProblems({ name: "Cart", key: "-cart", kind: "marketing" })).toEqual({ key: "templates.problem.keyInvalid" });
    expect(channelFormProblems({ name: "Cart", key: "a".repeat(65), kind: "marketing" })).toEqual({ key: "templates.problem.keyInvalid" });
    expect(channelFormProblems({ name: "Cart", key: "cart-sms-2", kind: "transactional" })).toEqual({});
  });
});

describe("channelRefusalField", () => {
  it("places a taken or invalid key at the key, an invalid name at the name", () => {
    expect(["KEY_TAKEN", "INVALID_KEY", "INVALID_NAME", "INVALID_TEMPLATE"].map(channelRefusalField)).toEqual(["key", "key", "name", null]);
  });
});
