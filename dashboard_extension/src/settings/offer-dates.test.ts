import { describe, expect, it } from "vitest";

import { channelNames, channelsChecked, checkWhen, EMPTY_WHEN, offerStatus, whenOf, zoneNamed } from "./offer-dates";

const BERLIN = "Europe/Berlin";

describe("checkWhen", () => {
  it("sends the shop's wall clock as UTC instants, winter and summer", () => {
    expect(checkWhen({ startDate: "2026-12-01", startTime: "09:30", endDate: "2027-06-30", endTime: "18:00" }, BERLIN)).toEqual({
      ok: true,
      startsAt: "2026-12-01T08:30:00+00:00",
      endsAt: "2027-06-30T16:00:00+00:00",
    });
  });

  it("leaves empty sides open and starts a date without a time at midnight", () => {
    expect(checkWhen(EMPTY_WHEN, BERLIN)).toEqual({ ok: true, startsAt: null, endsAt: null });
    expect(checkWhen({ ...EMPTY_WHEN, endDate: "2026-12-24" }, BERLIN)).toEqual({ ok: true, startsAt: null, endsAt: "2026-12-23T23:00:00+00:00" });
    expect(checkWhen({ ...EMPTY_WHEN, startDate: "2026-12-01" }, "UTC")).toEqual({ ok: true, startsAt: "2026-12-01T00:00:00+00:00", endsAt: null });
  });

  it("refuses an end that is not after the start, at the end", () => {
    const same = { startDate: "2026-12-01", startTime: "09:00", endDate: "2026-12-01", endTime: "09:00" };
    expect(checkWhen(same, BERLIN)).toEqual({ ok: false, errors: { endDate: { id: "settings.error.offerEndBeforeStart" } } });
    expect(checkWhen({ ...same, endDate: "2026-11-30", endTime: "23:59" }, BERLIN)).toEqual({ ok: false, errors: { endDate: { id: "settings.error.offerEndBeforeStart" } } });
    expect(checkWhen({ ...same, endTime: "09:01" }, BERLIN).ok).toBe(true);
  });

  it("refuses a time without a date, an impossible date or time, and an hour the clocks skip", () => {
    expect(checkWhen({ ...EMPTY_WHEN, startTime: "09:00" }, BERLIN)).toEqual({ ok: false, errors: { startDate: { id: "settings.error.offerDateMissing" } } });
    expect(checkWhen({ ...EMPTY_WHEN, startDate: "2026-02-30" }, BERLIN)).toEqual({ ok: false, errors: { startDate: { id: "settings.error.offerDate" } } });
    expect(checkWhen({ ...EMPTY_WHEN, endDate: "2026-12-01", endTime: "24:00" }, BERLIN)).toEqual({ ok: false, errors: { endTime: { id: "settings.error.offerTime" } } });
    // 29 March 2026: Berlin's clocks go from 02:00 to 03:00
    expect(checkWhen({ ...EMPTY_WHEN, startDate: "2026-03-29", startTime: "02:30" }, BERLIN)).toEqual({
      ok: false,
      errors: { startTime: { id: "settings.error.offerSkippedTime", values: { zone: BERLIN } } },
    });
  });
});

describe("whenOf", () => {
  it("shows stored instants on the shop's clock and round-trips them", () => {
    const offer = { startsAt: "2026-12-01T08:30:00+00:00", endsAt: "2027-06-30T16:00:00+00:00" };
    const when = whenOf(offer, BERLIN);
    expect(when).toEqual({ startDate: "2026-12-01", startTime: "09:30", endDate: "2027-06-30", endTime: "18:00" });
    expect(checkWhen(when, BERLIN)).toEqual({ ok: true, ...offer });
    expect(whenOf({ startsAt: null, endsAt: null }, BERLIN)).toEqual(EMPTY_WHEN);
    expect(whenOf({ startsAt: "2026-12-31T23:30:00+00:00", endsAt: null }, BERLIN).startDate).toBe("2027-01-01");
  });
});

describe("offerStatus", () => {
  const now = Date.parse("2026-12-10T12:00:00Z");
  const offer = { active: true, startsAt: null, endsAt: null };

  it("is scheduled before its start, active within its dates, ended from its end", () => {
    expect(offerStatus({ ...offer, startsAt: "2026-12-10T12:00:01Z" }, now)).toBe("scheduled");
    expect(offerStatus({ ...offer, startsAt: "2026-12-10T12:00:00Z", endsAt: "2026-12-10T12:00:01Z" }, now)).toBe("active");
    expect(offerStatus({ ...offer, endsAt: "2026-12-10T12:00:00Z" }, now)).toBe("ended");
    expect(offerStatus(offer, now)).toBe("active");
  });

  it("is inactive when switched off, whatever its dates", () => {
    expect(offerStatus({ active: false, startsAt: "2027-01-01T00:00:00Z", endsAt: null }, now)).toBe("inactive");
  });
});

describe("channels and the zone", () => {
  it("keeps channels once each, sorted, and names them from Saleor's list", () => {
    expect(channelsChecked(["channel-pln", "default-channel", "channel-pln"])).toEqual(["channel-pln", "default-channel"]);
    expect(channelNames(["default-channel", "gone"], [{ slug: "default-channel", name: "Default Channel" }])).toEqual(["Default Channel", "gone"]);
  });

  it("names the zone with its offset at the moment", () => {
    expect(zoneNamed(BERLIN, Date.parse("2026-12-01T00:00:00Z"))).toBe("Europe/Berlin (UTC+01:00)");
    expect(zoneNamed(BERLIN, Date.parse("2026-07-01T00:00:00Z"))).toBe("Europe/Berlin (UTC+02:00)");
    expect(zoneNamed("UTC", 0)).toBe("UTC");
  });
});
