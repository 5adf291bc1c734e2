import { describe, expect, it } from "vitest";

import { SIGNUP_TRIGGERS, signupEntry, signupTrigger } from "./signup-triggers";

describe("sign-up triggers", () => {
  it("offers the two sign-up events the app records", () => {
    expect(SIGNUP_TRIGGERS.map((t) => [t.id, t.eventType])).toEqual([
      ["signed_up", "contact.signed_up"],
      ["newsletter_subscribed", "newsletter.subscribed"],
    ]);
  });

  it("makes an event entry without filters", () => {
    const trigger = signupTrigger("signed_up");
    expect(trigger).not.toBeNull();
    expect(signupEntry(trigger!)).toEqual({ event_type: "contact.signed_up", where: [] });
  });

  it("knows no other trigger", () => {
    expect(signupTrigger("survey_answered")).toBeNull();
    expect(signupTrigger("")).toBeNull();
  });
});
