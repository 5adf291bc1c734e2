import { describe, expect, it } from "vitest";

import { contactName, historyStays, nextHistoryCursor } from "./history";

const ada = { id: "c1", email: "ada@shop.test", firstName: "Ada", lastName: "Lovelace" };
const anon = { id: "c2", email: null, firstName: "", lastName: "" };
const stay = (id: string, exitedAt: string | null = null) => ({ id, enteredAt: "2025-01-01T00:00:00+00:00", exitedAt, contact: ada });

describe("historyStays", () => {
  it("lists the pages' stays in order, each once", () => {
    expect(historyStays([[stay("m3"), stay("m2")], [stay("m2"), stay("m1", "2025-01-02T00:00:00+00:00")]]).map((s) => s.id)).toEqual([
      "m3",
      "m2",
      "m1",
    ]);
  });
});

describe("nextHistoryCursor", () => {
  it("pages on from the last stay of a full page", () => {
    expect(nextHistoryCursor([stay("m3"), stay("m2")], 2)).toBe("m2");
    expect(nextHistoryCursor([stay("m1")], 2)).toBeNull();
  });
});

describe("contactName", () => {
  it("names a person by name, else email", () => {
    expect(contactName(ada)).toBe("Ada Lovelace");
    expect(contactName({ ...ada, firstName: "", lastName: "" })).toBe("ada@shop.test");
    expect(contactName(anon)).toBeNull();
  });
});
