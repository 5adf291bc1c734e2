import { describe, expect, it } from "vitest";

import {
  appPathFromDashboardPath,
  isWidgetPath,
  matchRoute,
  pathFor,
  routingUpdateFor,
  worksOutsideDashboard,
} from "./routes";

describe("matchRoute", () => {
  it.each([
    ["/", { name: "overview" }],
    ["/journeys", { name: "journeys" }],
    ["/journeys/", { name: "journeys" }],
    ["/journeys/presets", { name: "presets" }],
    ["/journeys/Sm91cm5leTox", { name: "journey", journeyId: "Sm91cm5leTox" }],
    ["/journeys/Sm91cm5leTox%3D", { name: "journey", journeyId: "Sm91cm5leTox=" }],
    ["/journeys/Sm91cm5leTox/analytics", { name: "journeyAnalytics", journeyId: "Sm91cm5leTox" }],
    ["/journeys/Sm91cm5leTox%3D/analytics/", { name: "journeyAnalytics", journeyId: "Sm91cm5leTox=" }],
    ["/analytics", { name: "analytics" }],
    ["/settings", { name: "settings" }],
    ["/contacts", { name: "contacts" }],
    ["/contacts/Q29udGFjdDox", { name: "contact", contactId: "Q29udGFjdDox" }],
    ["/contacts/Q29udGFjdDoxMg%3D%3D/", { name: "contact", contactId: "Q29udGFjdDoxMg==" }],
    ["/templates", { name: "templates" }],
    ["/templates/VGVtcGxhdGU6Mw%3D%3D", { name: "template", templateId: "VGVtcGxhdGU6Mw==" }],
    ["/segments", { name: "segments" }],
    ["/segments/new", { name: "segmentNew" }],
    ["/segments/U2VnbWVudDoz%3D/", { name: "segment", segmentId: "U2VnbWVudDoz=" }],
    ["/broadcasts", { name: "broadcasts" }],
    ["/broadcasts/new", { name: "broadcastNew" }],
    ["/broadcasts/Sm91cm5leTox%3D/", { name: "broadcast", journeyId: "Sm91cm5leTox=" }],
    ["/operations", { name: "operations" }],
    ["/imports/", { name: "imports" }],
    ["/widgets/customer", { name: "customerWidget" }],
    ["/privacy", { name: "privacy" }],
    ["/support", { name: "support" }],
  ])("%s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it.each(["/nope", "/journeys/1/extra", "/journeys/presets/analytics", "/journeys/1/analytics/x", "/analytics/1", "/settings/x", "/operations/x", "/imports/1", "/contacts/1/x", "/templates/1/x", "/segments/1/x", "/broadcasts/1/x", "/broadcasts/%E0%A4%A", "/segments/%E0%A4%A", "/contacts/%E0%A4%A", "/support/x/analytics", "/widgets", "/widgets/order", "/privacy/x", "/journeys/%E0%A4%A"])(
    "%s matches nothing",
    (path) => {
      expect(matchRoute(path)).toBeNull();
    },
  );
});

describe("pathFor", () => {
  it("round-trips every route through matchRoute", () => {
    const routes = [
      { name: "overview" },
      { name: "journeys" },
      { name: "presets" },
      { name: "journey", journeyId: "Sm91cm5leToxMg==" },
      { name: "journey", journeyId: "a/b c" },
      { name: "journeyAnalytics", journeyId: "Sm91cm5leToxMg==" },
      { name: "journeyAnalytics", journeyId: "a/b c" },
      { name: "analytics" },
      { name: "settings" },
      { name: "operations" },
      { name: "imports" },
      { name: "contacts" },
      { name: "contact", contactId: "Q29udGFjdDoxMg==" },
      { name: "contact", contactId: "a/b c" },
      { name: "templates" },
      { name: "template", templateId: "VGVtcGxhdGU6Mw==" },
      { name: "template", templateId: "a/b c" },
      { name: "segments" },
      { name: "segmentNew" },
      { name: "segment", segmentId: "U2VnbWVudDoz" },
      { name: "segment", segmentId: "a/b c" },
      { name: "broadcasts" },
      { name: "broadcastNew" },
      { name: "broadcast", journeyId: "Sm91cm5leToxMg==" },
      { name: "broadcast", journeyId: "a/b c" },
      { name: "customerWidget" },
      { name: "privacy" },
      { name: "support" },
    ] as const;

    for (const route of routes) {
      expect(matchRoute(pathFor(route))).toEqual(route);
    }
  });

  it("escapes a journey id", () => {
    expect(pathFor({ name: "journey", journeyId: "Sm91cm5leTox=" })).toBe("/journeys/Sm91cm5leTox%3D");
  });
});

describe("routingUpdateFor", () => {
  it("tells the Dashboard the app path without the Dashboard's own context parameters", () => {
    expect(
      routingUpdateFor({
        pathname: "/journeys/1",
        search: "?saleorApiUrl=https%3A%2F%2Fshop%2Fgraphql%2F&domain=shop&id=QXBwOjE%3D&theme=dark&locale=de",
      }),
    ).toBe("/journeys/1");
  });

  it("keeps the app's own query", () => {
    expect(routingUpdateFor({ pathname: "/journeys/1", search: "?theme=dark&view=live" })).toBe(
      "/journeys/1?view=live",
    );
  });

  it("says nothing for the widget or an unknown path", () => {
    expect(routingUpdateFor({ pathname: "/widgets/customer", search: "?customerId=VXNlcjox" })).toBeNull();
    expect(routingUpdateFor({ pathname: "/nope", search: "" })).toBeNull();
  });
});

describe("appPathFromDashboardPath", () => {
  it.each([
    ["/journeys/1", "/journeys/1"],
    ["/", "/"],
    ["", "/"],
    ["/dashboard/extensions/app/QXBwOjE%3D/journeys/presets", "/journeys/presets"],
    ["/extensions/app/QXBwOjE=/journeys", "/journeys"],
    ["/extensions/app/QXBwOjE=", "/"],
    ["/apps/QXBwOjE=/app/privacy", "/privacy"],
    ["/dashboard/journeys?x=1", "/journeys"],
  ])("%s -> %s", (raw, path) => {
    expect(appPathFromDashboardPath(raw)).toBe(path);
  });

  it.each(["/customers/VXNlcjox", "/dashboard/orders/", "/widgets/customer"])("%s names no app page", (raw) => {
    expect(appPathFromDashboardPath(raw)).toBeNull();
  });
});

describe("route classes", () => {
  it("knows the widget path", () => {
    expect(isWidgetPath("/widgets/customer")).toBe(true);
    expect(isWidgetPath("/journeys")).toBe(false);
  });

  it("lets only privacy and support work outside the Dashboard", () => {
    expect(worksOutsideDashboard({ name: "privacy" })).toBe(true);
    expect(worksOutsideDashboard({ name: "support" })).toBe(true);
    expect(worksOutsideDashboard({ name: "journeys" })).toBe(false);
    expect(worksOutsideDashboard(null)).toBe(false);
  });
});
