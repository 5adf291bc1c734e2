/** The surveys and draws pages' routes (src/lib/routes.ts). */
import { describe, expect, it } from "vitest";

import { type AppRoute, appPathFromDashboardPath, matchRoute, pathFor } from "../lib/routes";

describe("programme routes", () => {
  it.each([
    ["/programmes", { name: "programmes" }],
    ["/surveys/U3VydmV5OjE=", { name: "survey", surveyId: "U3VydmV5OjE=" }],
    ["/draws/RHJhdzox", { name: "draw", drawId: "RHJhdzox" }],
    ["/draws/a%2Fb%20c", { name: "draw", drawId: "a/b c" }],
  ])("%s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it.each(["/programmes/x", "/surveys", "/draws", "/surveys/1/x", "/draws/%E0%A4%A"])("%s matches nothing", (path) => {
    expect(matchRoute(path)).toBeNull();
  });

  it("round-trips through pathFor and the Dashboard's redirect", () => {
    const routes: AppRoute[] = [
      { name: "programmes" },
      { name: "survey", surveyId: "U3VydmV5OjE=" },
      { name: "draw", drawId: "a/b c" },
    ];
    expect(routes.map((route) => matchRoute(pathFor(route)))).toEqual(routes);
    expect(appPathFromDashboardPath("/dashboard/extensions/app/QXBwOjE=/draws/RHJhdzox")).toBe("/draws/RHJhdzox");
  });
});
