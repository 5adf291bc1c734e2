import { describe, expect, it } from "vitest";

import { type ContactPostal, evidenceError, evidenceKept, postalChange, postalConsentSaid } from "./postal-consent";

const NEVER: ContactPostal = {
  consent: "UNKNOWN",
  changedAt: null,
  source: "",
  textVersion: null,
  evidence: null,
  recordedBy: null,
  hasAddress: true,
};

describe("postal consent on the profile", () => {
  it("says a contact was never asked", () => {
    expect(postalConsentSaid(NEVER)).toEqual({ id: "contacts.postal.never", values: {} });
  });

  it("says who recorded an admin's change and with what evidence", () => {
    const byAdmin = { ...NEVER, consent: "GRANTED", changedAt: "2026-06-15T09:00:00+00:00", source: "dashboard" } as const;
    expect(postalConsentSaid({ ...byAdmin, evidence: "Signed form at the shop", recordedBy: "admin@example.com" })).toEqual({
      id: "contacts.postal.byAdmin",
      values: { by: "admin@example.com", evidence: "Signed form at the shop" },
    });
    expect(postalConsentSaid({ ...byAdmin, consent: "WITHDRAWN", recordedBy: "admin@example.com" })).toEqual({
      id: "contacts.postal.byAdminNoEvidence",
      values: { by: "admin@example.com" },
    });
  });

  it("names the source of the person's own change, with the text version they saw", () => {
    const own = { ...NEVER, consent: "GRANTED", changedAt: "2026-06-15T09:00:00+00:00", source: "storefront.postal" } as const;
    expect(postalConsentSaid({ ...own, textVersion: "post-2026" })).toEqual({
      id: "contacts.postal.fromVersion",
      values: { source: "storefront.postal", version: "post-2026" },
    });
    expect(postalConsentSaid(own)).toEqual({ id: "contacts.postal.from", values: { source: "storefront.postal" } });
  });

  it("offers a withdrawal of a granted consent and an agreement otherwise", () => {
    expect((["GRANTED", "WITHDRAWN", "PENDING", "UNKNOWN"] as const).map(postalChange)).toEqual(["withdraw", "grant", "grant", "grant"]);
  });

  it("needs how the person agreed, and keeps at most 200 characters either way", () => {
    expect(evidenceKept("  Signed form\n at the shop  ")).toBe("Signed form at the shop");
    expect(evidenceError("grant", "")).toBe("required");
    expect(evidenceError("grant", "  ok \n")).toBe("required");
    expect(evidenceError("grant", "abc")).toBeNull();
    expect(evidenceError("withdraw", "")).toBeNull();
    expect(evidenceError("grant", "x".repeat(200))).toBeNull();
    expect(evidenceError("grant", "x".repeat(201))).toBe("tooLong");
    expect(evidenceError("withdraw", "x".repeat(201))).toBe("tooLong");
    expect(evidenceError("grant", `${"x".repeat(199)}   \n  `)).toBeNull();
  });
});
