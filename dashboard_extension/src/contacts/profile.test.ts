import { describe, expect, it } from "vitest";

import {
  creditViaMessageId,
  displayName,
  enrollableJourneys,
  exportFileName,
  exportText,
  predictionBasis,
  runStatusMessageId,
  stepDetail,
} from "./profile";

const contact = { id: "Q29udGFjdDo0Mg==", email: "Ada.Lovelace+shop@Example.com", firstName: " Ada ", lastName: "Lovelace" };

describe("contact profile", () => {
  it("shows the name, else the email, else nothing", () => {
    expect(displayName(contact)).toBe("Ada Lovelace");
    expect(displayName({ ...contact, firstName: "", lastName: "" })).toBe("Ada.Lovelace+shop@Example.com");
    expect(displayName({ ...contact, firstName: "", lastName: " ", email: null })).toBeNull();
  });

  it("reads the basis of the predicted next order", () => {
    expect(predictionBasis({ orders: 3, gaps_days: [30.0, 34.5], median_gap_days: 32.2 })).toEqual({
      kind: "median",
      orders: 3,
      medianGapDays: 32.2,
      gapsDays: [30, 34.5],
    });
    expect(predictionBasis({ orders: 1, reason: "needs at least two orders" })).toEqual({ kind: "tooFew", orders: 1 });
    expect(predictionBasis({})).toEqual({ kind: "none" });
    expect(predictionBasis(null)).toEqual({ kind: "none" });
  });

  it("offers the active journeys entered by hand", () => {
    const journey = (id: string, name: string, status: string, entry: string | null) => ({
      id,
      name,
      status,
      currentVersion: entry === null ? null : { definition: { entry: { type: entry }, start: "a", nodes: {} } },
    });

    expect(
      enrollableJourneys([
        journey("1", "Welcome", "active", "manual"),
        journey("2", "Abandoned", "active", "event"),
        journey("3", "Paused", "paused", "manual"),
        journey("4", "Draft", "draft", null),
        journey("5", "Apology", "active", "manual"),
      ]).map((j) => j.id),
    ).toEqual(["5", "1"]);
  });

  it("names the export file by the email and the day", () => {
    expect(exportFileName(contact, new Date("2026-12-05T23:59:00Z"))).toBe("contact-ada-lovelace-shop-example-com-2026-12-05.json");
    expect(exportFileName({ ...contact, email: null }, new Date("2026-12-05T00:00:00Z"))).toBe("contact-q29udgfjddo0mg-2026-12-05.json");
    expect(exportText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });

  it("summarises a step's detail and names statuses", () => {
    expect(stepDetail({ template: "welcome-1", message: 12, skipped: false, extra: { a: 1 }, note: "" })).toBe(
      "template: welcome-1, message: 12, skipped: false",
    );
    expect(stepDetail(null)).toBe("");
    expect(runStatusMessageId("waiting")).toBe("contacts.run.status.waiting");
    expect(runStatusMessageId("odd")).toBe("contacts.run.status.other");
    expect(creditViaMessageId("click")).toBe("contacts.credit.via.click");
    expect(creditViaMessageId("sms")).toBeNull();
  });
});
