import { describe, expect, it } from "vitest";

import { errorHeadline, type Failure, type FailurePage, initialKind, itemsOf, kindFromParam, linksOf, refusalMessageId } from "./failures";

const failure = (id: string, extra: Partial<Failure> = {}): Failure => ({
  id,
  kind: "RUN",
  error: "KeyError: 'x'",
  attempts: 3,
  at: "2026-06-15T12:00:00+00:00",
  summary: "journey welcome, node pause",
  retryable: true,
  contactId: null,
  journeyId: null,
  templateId: null,
  ...extra,
});

const page = (...ids: string[]): FailurePage => ({
  edges: ids.map((id) => ({ cursor: `c${id}`, node: failure(id) })),
  pageInfo: { hasNextPage: false, endCursor: null },
  totalCount: ids.length,
});

describe("failures", () => {
  it("reads the kind from the URL, deliveries otherwise", () => {
    expect(kindFromParam("run")).toBe("RUN");
    expect(kindFromParam("message")).toBe("MESSAGE");
    expect(kindFromParam("catalogue_event")).toBe("CATALOGUE_EVENT");
    expect(kindFromParam("RUN")).toBe("DELIVERY");
    expect(kindFromParam(null)).toBe("DELIVERY");
  });

  it("opens on the first kind with failures unless one was asked for", () => {
    const counts = { deliveries: 0, runs: 0, messages: 2, catalogueEvents: 0 };
    expect(initialKind(null, counts)).toBe("MESSAGE");
    expect(initialKind("delivery", counts)).toBe("DELIVERY");
    expect(initialKind(null, undefined)).toBe("DELIVERY");
    expect(initialKind(null, { deliveries: 0, runs: 0, messages: 0, catalogueEvents: 0 })).toBe("DELIVERY");
    expect(initialKind(null, { deliveries: 1, runs: 4, messages: 2, catalogueEvents: 0 })).toBe("DELIVERY");
    expect(initialKind(null, { deliveries: 0, runs: 0, messages: 0, catalogueEvents: 3 })).toBe("CATALOGUE_EVENT");
  });

  it("links a run to its contact and journey, a message to its contact and template", () => {
    expect(linksOf(failure("1", { contactId: "Q29udGFjdDox", journeyId: "Sm91cm5leTox" }))).toEqual([
      { messageId: "operations.link.contact", route: { name: "contact", contactId: "Q29udGFjdDox" } },
      { messageId: "operations.link.journey", route: { name: "journey", journeyId: "Sm91cm5leTox" } },
    ]);
    expect(linksOf(failure("2", { templateId: "VGVtcGxhdGU6Mw==" }))).toEqual([
      { messageId: "operations.link.template", route: { name: "template", templateId: "VGVtcGxhdGU6Mw==" } },
    ]);
    expect(linksOf(failure("3"))).toEqual([]);
  });

  it("lists each item of the pages once, without those retried or discarded", () => {
    expect(itemsOf([page("a", "b"), page("b", "c")], new Set(["c"])).map((item) => item.id)).toEqual(["a", "b"]);
    expect(itemsOf([], new Set())).toEqual([]);
  });

  it("shows an error's first line, cut at a length", () => {
    expect(errorHeadline("DataError: value too long\nTraceback ...")).toBe("DataError: value too long");
    expect(errorHeadline("x".repeat(10), 5)).toBe("xxxx…");
    expect(errorHeadline("  short  ")).toBe("short");
  });

  it("words the refusals it knows and leaves others to the API's text", () => {
    expect(refusalMessageId("RUN_OPEN")).toBe("operations.refusal.RUN_OPEN");
    expect(refusalMessageId("INTERNAL_ERROR")).toBeNull();
    expect(refusalMessageId(undefined)).toBeNull();
  });
});
