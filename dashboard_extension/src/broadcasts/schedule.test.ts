import { describe, expect, it } from "vitest";

import { localSendAt, localWindow, offsetLabel, parseWall, wallOf, zonedToUtc, zoneOffsetMinutes } from "./schedule";

const wall = (date: string, time: string) => {
  const parsed = parseWall(date, time);
  if (!parsed) throw new Error(`${date} ${time}`);
  return parsed;
};

describe("parseWall", () => {
  it("reads a real date and time", () => {
    expect(parseWall("2026-12-01", "09:30")).toEqual({ year: 2026, month: 12, day: 1, hour: 9, minute: 30 });
  });

  it("refuses what is not a date or a time", () => {
    expect(parseWall("2026-02-30", "09:00")).toBeNull();
    expect(parseWall("2026-12-01", "24:00")).toBeNull();
    expect(parseWall("1.12.2026", "09:00")).toBeNull();
    expect(parseWall("2026-12-01", "9:00")).toBeNull();
  });
});

describe("zonedToUtc", () => {
  it("converts a Berlin winter and summer time, New York and Kolkata", () => {
    expect(new Date(zonedToUtc(wall("2026-12-01", "09:00"), "Europe/Berlin")!).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(new Date(zonedToUtc(wall("2026-07-01", "09:00"), "Europe/Berlin")!).toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(new Date(zonedToUtc(wall("2026-12-01", "09:00"), "America/New_York")!).toISOString()).toBe("2026-12-01T14:00:00.000Z");
    expect(new Date(zonedToUtc(wall("2026-12-01", "09:00"), "Asia/Kolkata")!).toISOString()).toBe("2026-12-01T03:30:00.000Z");
    expect(new Date(zonedToUtc(wall("2026-12-01", "09:00"), "UTC")!).toISOString()).toBe("2026-12-01T09:00:00.000Z");
  });

  it("has no instant for the hour lost when summer time starts, the first of the hour seen twice", () => {
    expect(zonedToUtc(wall("2026-03-29", "02:30"), "Europe/Berlin")).toBeNull();
    expect(new Date(zonedToUtc(wall("2026-10-25", "02:30"), "Europe/Berlin")!).toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });
});

describe("offsets", () => {
  it("labels a zone's offset at an instant", () => {
    const winter = Date.UTC(2026, 11, 1, 12);
    const summer = Date.UTC(2026, 6, 1, 12);
    expect(offsetLabel(winter, "Europe/Berlin")).toBe("UTC+01:00");
    expect(offsetLabel(summer, "Europe/Berlin")).toBe("UTC+02:00");
    expect(offsetLabel(winter, "America/New_York")).toBe("UTC−05:00");
    expect(offsetLabel(winter, "Asia/Kolkata")).toBe("UTC+05:30");
    expect(offsetLabel(winter, "UTC")).toBe("UTC");
    expect(zoneOffsetMinutes(winter, "Asia/Kathmandu")).toBe(345);
  });
});

describe("local time", () => {
  it("sends the wall-clock time marked +00:00, first seen at UTC+14 and last at UTC−12", () => {
    const nine = wall("2026-12-01", "09:00");
    expect(localSendAt(nine)).toBe("2026-12-01T09:00:00+00:00");
    expect(localWindow(nine)).toEqual({ first: Date.UTC(2026, 10, 30, 19), last: Date.UTC(2026, 11, 1, 21) });
    expect(wallOf("2026-12-01T09:00:00+00:00")).toBe("2026-12-01T09:00");
    expect(wallOf("soon")).toBeNull();
  });
});
