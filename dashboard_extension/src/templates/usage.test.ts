import { describe, expect, it } from "vitest";

import { sendTemplateKeys, templateUsage, useMessageId, usesOf } from "./usage";

const definition = (nodes: Record<string, unknown>) => ({ entry: { type: "manual" }, start: "a", nodes });

describe("sendTemplateKeys", () => {
  it("names the template of every send node by channel", () => {
    const keys = sendTemplateKeys(
      definition({
        a: { type: "send_email", template: "welcome", next: "b" },
        b: { type: "wait", duration: { days: 1 }, next: "c" },
        c: { type: "send_sms", template: "welcome", next: "d" },
        d: { type: "send_push", template: "back-in-stock", next: "e" },
        e: { type: "send_email", template: "welcome", next: "x" },
        x: { type: "exit" },
      }),
    );

    expect([...keys].sort()).toEqual(["email/welcome", "push/back-in-stock", "sms/welcome"]);
  });

  it("names each channel's template of a send-on-the-preferred-channel step", () => {
    const keys = sendTemplateKeys(
      definition({
        a: { type: "send_preferred", templates: { email: "cart-mail", sms: "cart-text", push: "" }, fallback: ["email", "sms", "push"], next: "x" },
        x: { type: "exit" },
      }),
    );

    expect([...keys].sort()).toEqual(["email/cart-mail", "sms/cart-text"]);
  });

  it("skips what a partial draft lacks", () => {
    expect([...sendTemplateKeys(definition({ a: { type: "send_email" }, b: { type: "send_email", template: "" }, c: null, d: { template: "x" } }))]).toEqual([]);
    expect([...sendTemplateKeys({})]).toEqual([]);
    expect([...sendTemplateKeys(null)]).toEqual([]);
    expect([...sendTemplateKeys({ nodes: [] })]).toEqual([]);
  });
});

describe("templateUsage", () => {
  const journeys = [
    {
      id: "J2",
      name: "Win-back",
      status: "draft",
      draft: definition({ a: { type: "send_email", template: "welcome" } }),
      currentVersion: null,
    },
    {
      id: "J1",
      name: "Order follow-up",
      status: "active",
      draft: definition({ a: { type: "send_email", template: "order-confirmation" } }),
      currentVersion: {
        number: 2,
        definition: definition({ a: { type: "send_email", template: "order-confirmation" }, b: { type: "send_email", template: "welcome" } }),
      },
    },
  ];

  it("lists the journeys of each template, by name, with where the send is", () => {
    const usage = templateUsage(journeys);

    expect(usesOf(usage, { channel: "email", key: "welcome" })).toEqual([
      { journeyId: "J1", journeyName: "Order follow-up", status: "active", published: true, draft: false },
      { journeyId: "J2", journeyName: "Win-back", status: "draft", published: false, draft: true },
    ]);
    expect(usesOf(usage, { channel: "email", key: "order-confirmation" })).toEqual([
      { journeyId: "J1", journeyName: "Order follow-up", status: "active", published: true, draft: true },
    ]);
    expect(usesOf(usage, { channel: "sms", key: "welcome" })).toEqual([]);
    expect([...usage.keys()].sort()).toEqual(["email/order-confirmation", "email/welcome"]);
  });

  it("labels a use", () => {
    const [published, draftOnly] = usesOf(templateUsage(journeys), { channel: "email", key: "welcome" });
    const [both] = usesOf(templateUsage(journeys), { channel: "email", key: "order-confirmation" });

    expect([published, draftOnly, both].map((use) => useMessageId(use!))).toEqual([
      "templates.usage.publishedOnly",
      "templates.usage.draftOnly",
      "templates.usage.published",
    ]);
  });
});
