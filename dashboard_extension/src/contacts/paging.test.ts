import { describe, expect, it } from "vitest";

import { currentCursor, firstPage, nextPage, pageNumber, pagingFor, pagingKey, previousPage, rowRange } from "./paging";

describe("contact list paging", () => {
  it("goes forward by end cursors and back by the ones seen", () => {
    const first = firstPage("k");
    const second = nextPage(first, "c20");
    const third = nextPage(second, "c40");

    expect(currentCursor(first)).toBeNull();
    expect(currentCursor(third)).toBe("c40");
    expect(pageNumber(third)).toBe(3);
    expect(previousPage(third)).toEqual({ key: "k", cursors: [null, "c20"] });
    expect(previousPage(first)).toBe(first);
    expect(nextPage(first, null)).toBe(first);
  });

  it("starts again when the filters change", () => {
    const paged = nextPage(firstPage(pagingKey({ search: "a" })), "c20");

    expect(pagingFor(paged, pagingKey({ search: "a" }))).toBe(paged);
    expect(pagingFor(paged, pagingKey({ search: "ab" }))).toEqual({ key: '{"search":"ab"}', cursors: [null] });
  });

  it("numbers the rows shown", () => {
    const third = nextPage(nextPage(firstPage("k"), "a"), "b");

    expect(rowRange(third, 20, 17, 57)).toEqual({ from: 41, to: 57, total: 57 });
    expect(rowRange(firstPage("k"), 20, 20, 57)).toEqual({ from: 1, to: 20, total: 57 });
    expect(rowRange(firstPage("k"), 20, 0, 0)).toBeNull();
  });
});
