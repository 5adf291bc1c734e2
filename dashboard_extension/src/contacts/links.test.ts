import { describe, expect, it } from "vitest";

import { appPathFromDashboardPath } from "../lib/routes";
import { dashboardProfilePath } from "./links";

describe("the profile as a Dashboard path", () => {
  it("is the app's page under the Dashboard's extension path", () => {
    expect(dashboardProfilePath("QXBwOjE=", "Q29udGFjdDox")).toBe("/extensions/app/QXBwOjE%3D/contacts/Q29udGFjdDox");
  });

  it("is read back as the profile's app path", () => {
    expect(appPathFromDashboardPath(dashboardProfilePath("QXBwOjE=", "Q29udGFjdDoxMg=="))).toBe("/contacts/Q29udGFjdDoxMg%3D%3D");
  });
});
