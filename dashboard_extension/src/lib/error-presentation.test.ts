import { describe, expect, it } from "vitest";

import { errorNotification, presentError } from "./error-presentation";

describe("presentError", () => {
  it("explains a rejected token (401)", () => {
    expect(presentError({ ok: false, message: "Invalid token", code: "UNAUTHENTICATED", status: 401 })).toEqual({
      title: "The Dashboard session was rejected",
      text: "Invalid token (UNAUTHENTICATED, HTTP 401)",
    });
  });

  it("explains a missing permission (403)", () => {
    expect(presentError({ ok: false, message: "Need MANAGE_APPS", code: "PERMISSION_DENIED", status: 403 }).title).toBe(
      "Missing permission",
    );
  });

  it("explains a network failure without an HTTP status", () => {
    expect(presentError({ ok: false, message: "Could not reach the app API: x", code: "NETWORK_ERROR" })).toEqual({
      title: "Cannot reach the Marketing Automation app",
      text: "Could not reach the app API: x (NETWORK_ERROR)",
    });
  });

  it("uses a generic title for other failures", () => {
    expect(presentError({ ok: false, message: "m", code: "HTTP_ERROR", status: 500 }).title).toBe(
      "Could not load the app installation",
    );
  });
});

describe("errorNotification", () => {
  it("builds an error-status notification payload", () => {
    expect(errorNotification({ ok: false, message: "m", code: "HTTP_ERROR", status: 502 })).toEqual({
      status: "error",
      title: "Could not load the app installation",
      text: "m (HTTP_ERROR, HTTP 502)",
    });
  });
});
