/** The postal batches page's route (src/lib/routes.ts). */
import { describe, expect, it } from "vitest";

import { appPathFromDashboardPath, matchRoute, pathFor } from "../lib/routes";

describe("postal route", () => {
  it("matches /postal only, and round-trips", () => {
    expect(matchRoute("/postal")).toEqual({ name: "postal" });
    expect(matchRoute("/postal/1")).toBeNull();
    expect(matchRoute(pathFor({ name: "postal" }))).toEqual({ name: "postal" });
    expect(appPathFromDashboardPath("/dashboard/extensions/app/QXBwOjE=/postal")).toBe("/postal");
  });
});
