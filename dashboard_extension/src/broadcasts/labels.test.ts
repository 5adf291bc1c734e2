import { describe, expect, it } from "vitest";

import { formatWall, nameOf, scheduleSaid, segmentGlobalId, zoneSaid } from "./labels";

const summary = { segmentPk: 1, content: { kind: "other" as const } };

describe("schedules said", () => {
  it("an instant in the admin's zone, named with its offset", () => {
    expect(scheduleSaid({ ...summary, sendAt: "2026-12-01T08:00:00+00:00", localTime: false }, "en", "Europe/Berlin")).toEqual({
      id: "broadcasts.schedule.at",
      values: { when: "Dec 1, 2026, 9:00 AM", zone: "Europe/Berlin, UTC+01:00" },
    });
    expect(scheduleSaid({ ...summary, sendAt: "2026-12-01T08:00:00+00:00", localTime: false }, "de", "America/New_York")).toEqual({
      id: "broadcasts.schedule.at",
      values: { when: "01.12.2026, 03:00", zone: "America/New_York, UTC−05:00" },
    });
  });

  it("a wall-clock time for local time, whatever its offset", () => {
    expect(scheduleSaid({ ...summary, sendAt: "2026-12-01T09:00:00+00:00", localTime: true }, "en", "Europe/Berlin")).toEqual({
      id: "broadcasts.schedule.localAt",
      values: { when: "Dec 1, 2026, 9:00 AM" },
    });
    expect(formatWall("2026-12-01T09:00", "de")).toBe("01.12.2026, 09:00");
  });

  it("nothing for a missing or broken time", () => {
    expect(scheduleSaid({ ...summary, sendAt: null, localTime: false }, "en", "UTC")).toEqual({ id: "broadcasts.schedule.none" });
    expect(scheduleSaid({ ...summary, sendAt: "soon", localTime: false }, "en", "UTC")).toEqual({ id: "broadcasts.schedule.none" });
    expect(scheduleSaid({ ...summary, sendAt: "soon", localTime: true }, "en", "UTC")).toEqual({ id: "broadcasts.schedule.none" });
  });
});

describe("names", () => {
  it("finds a name or says null", () => {
    const segments = [{ id: segmentGlobalId(5), name: "VIP" }];
    expect(nameOf(segments, (s) => s.id === btoa("Segment:5"))).toBe("VIP");
    expect(nameOf(segments, (s) => s.id === segmentGlobalId(6))).toBeNull();
    expect(nameOf(undefined, () => true)).toBeNull();
    expect(zoneSaid("UTC", 0)).toBe("UTC");
    expect(zoneSaid("Etc/UTC", 0)).toBe("UTC");
    expect(zoneSaid("Europe/London", Date.UTC(2026, 11, 1))).toBe("Europe/London, UTC");
  });
});
