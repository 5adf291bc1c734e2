import { describe, expect, it } from "vitest";

import { presentError } from "./error-presentation";

describe("presentError", () => {
  it("explains a rejected token (401)", () => {
    expect(presentError({ ok: false, message: "Invalid token", code: "UNAUTHENTICATED", status: 401 })).toEqual({
      titleId: "shell.error.unauthorized",
      text: "Invalid token (UNAUTHENTICATED, HTTP 401)",
    });
  });

  it("explains a missing permission (403)", () => {
    expect(
      presentError({ ok: false, message: "Need MANAGE_APPS", code: "PERMISSION_DENIED", status: 403 }).titleId,
    ).toBe("shell.error.forbidden");
  });

  it("explains a network failure without an HTTP status", () => {
    expect(presentError({ ok: false, message: "Could not reach the app API: x", code: "NETWORK_ERROR" })).toEqual({
      titleId: "shell.error.network",
      text: "Could not reach the app API: x (NETWORK_ERROR)",
    });
  });

  it("uses a generic title for other failures", () => {
    expect(presentError({ ok: false, message: "m", code: "HTTP_ERROR", status: 500 })).toEqual({
      titleId: "shell.error.generic",
      text: "m (HTTP_ERROR, HTTP 500)",
    });
  });
});
