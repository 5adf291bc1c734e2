import { describe, expect, it } from "vitest";

import { evidence, nextMomentSaid, type SendTime, sendTimeSaid, weekdayId } from "./send-time";

const ADA: SendTime = {
  source: "CONTACT",
  weekday: 1,
  hour: 19,
  clicks: 12,
  opens: 0,
  timeZone: "Europe/Berlin",
  nextMoment: "2026-02-03T18:00:00+00:00",
  explanation: "Usually engages Tue 19-20h, from 12 clicks.",
  priorWeight: 10,
  minInteractions: 3,
  shopContacts: 40,
};

describe("a contact's best send time on the profile", () => {
  it("names weekdays from Monday", () => {
    expect([0, 1, 3, 6].map(weekdayId)).toEqual(["sendTime.weekday.mon", "sendTime.weekday.tue", "sendTime.weekday.thu", "sendTime.weekday.sun"]);
  });

  it("says the contact's own hour with the clicks and opens behind it", () => {
    expect(sendTimeSaid(ADA)).toEqual({ id: "sendTime.profile.contact", values: { dayId: "sendTime.weekday.tue", from: 19, to: 20 } });
    expect(evidence(ADA)).toEqual([{ id: "sendTime.profile.clicks", values: { count: 12 } }]);
    expect(evidence({ ...ADA, clicks: 1, opens: 4 })).toEqual([
      { id: "sendTime.profile.clicks", values: { count: 1 } },
      { id: "sendTime.profile.opens", values: { count: 4 } },
    ]);
  });

  it("says the shop's best hour when the contact has too little, and nothing without data", () => {
    const thin: SendTime = { ...ADA, source: "SHOP", weekday: 3, hour: 10, clicks: 30, opens: 80 };
    expect(sendTimeSaid(thin)).toEqual({ id: "sendTime.profile.shop", values: { dayId: "sendTime.weekday.thu", from: 10, to: 11 } });
    const none: SendTime = { ...ADA, source: "NONE", weekday: null, hour: null, clicks: 0, opens: 0, nextMoment: null };
    expect(sendTimeSaid(none)).toEqual({ id: "sendTime.profile.none", values: {} });
    expect(evidence(none)).toEqual([]);
    expect(nextMomentSaid(none, "en")).toBeNull();
  });

  it("says when a message due now would go, in the contact's zone", () => {
    expect(nextMomentSaid(ADA, "en")).toBe("Feb 3, 2026, 7:00 PM");
    expect(nextMomentSaid(ADA, "de")).toBe("03.02.2026, 19:00");
    expect(nextMomentSaid({ ...ADA, timeZone: "America/New_York", nextMoment: "2026-02-04T00:00:00+00:00" }, "en")).toBe("Feb 3, 2026, 7:00 PM");
  });
});
