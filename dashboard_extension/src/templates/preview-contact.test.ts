import { describe, expect, it } from "vitest";

import { personLabel, searchTerm } from "./preview-contact";

describe("searchTerm", () => {
  it("needs two characters, without the blanks around or doubled", () => {
    expect(searchTerm(" a ")).toBeNull();
    expect(searchTerm("")).toBeNull();
    expect(searchTerm(" ad ")).toBe("ad");
    expect(searchTerm("ada   love")).toBe("ada love");
  });
});

describe("personLabel", () => {
  it("names the person and the address, or whichever there is", () => {
    expect(personLabel({ id: "1", email: "ada@shop.test", firstName: "Ada", lastName: "Lovelace" })).toBe("Ada Lovelace <ada@shop.test>");
    expect(personLabel({ id: "1", email: "ada@shop.test", firstName: "", lastName: "" })).toBe("ada@shop.test");
    expect(personLabel({ id: "1", email: null, firstName: "", lastName: "Lovelace" })).toBe("Lovelace");
    expect(personLabel({ id: "1", email: null, firstName: "", lastName: "" })).toBe("–");
  });
});
