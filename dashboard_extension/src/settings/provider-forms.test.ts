import { describe, expect, it } from "vitest";

import { senderForm } from "./app-forms";
import { ACCOUNT_SID, appSettings, SERVICE_SID, smtpProvider, twilio } from "./fixtures/settings";
import { checkEmail, checkSenderAndEmail, checkOffer, checkPushSubject, checkSms, EMPTY_OFFER, emailForm, smsForm } from "./provider-forms";

describe("email provider", () => {
  const initial = emailForm(smtpProvider());

  it("never holds a stored secret: the replacement field starts empty", () => {
    expect(initial.smtpPassword).toBe("");
    expect(initial.espSettings).toBe("");
  });

  it("replaces the provider as a whole, leaving the password out unless one was typed", () => {
    expect(checkEmail(initial, { ...initial, smtpPort: "465", smtpSecurity: "tls" })).toEqual({
      ok: true,
      changed: ["smtpPort", "smtpSecurity"],
      input: {
        kind: "smtp",
        smtpHost: "smtp.linden.example",
        smtpPort: 465,
        smtpSecurity: "tls",
        smtpUsername: "mailer",
        esp: "",
        maxPerSecond: 0,
        connections: 0,
      },
    });
    const typed = checkEmail(initial, { ...initial, smtpPassword: "s3cret pass" });
    expect(typed).toEqual({
      ok: true,
      changed: ["smtpPassword"],
      input: expect.objectContaining({ smtpPassword: "s3cret pass" }) as unknown,
    });
  });

  it("sends nothing when nothing changed", () => {
    expect(checkEmail(initial, { ...initial })).toEqual({ ok: true, changed: [], input: {} });
  });

  it("sends the parallel connections, a whole number from 0 (the deployment's default) to 32", () => {
    expect(initial.connections).toBe("0");
    expect(emailForm({ ...smtpProvider(), connections: 6 }).connections).toBe("6");
    expect(checkEmail(initial, { ...initial, connections: " 8 " })).toEqual({
      ok: true,
      changed: ["connections"],
      input: expect.objectContaining({ kind: "smtp", maxPerSecond: 0, connections: 8 }) as unknown,
    });
    expect(checkEmail(initial, { ...initial, connections: "32" })).toMatchObject({ ok: true, input: { connections: 32 } });
    expect(checkEmail(initial, { ...initial, connections: "33" })).toEqual({
      ok: false,
      errors: { connections: { id: "settings.error.range", values: { low: 0, high: 32 } } },
    });
    expect(checkEmail(initial, { ...initial, connections: "2.5" })).toEqual({
      ok: false,
      errors: { connections: { id: "settings.error.wholeNumber", values: { low: 0, high: 32 } } },
    });
    expect(checkEmail(initial, { ...initial, connections: "" })).toEqual({
      ok: false,
      errors: { connections: { id: "settings.error.wholeNumber", values: { low: 0, high: 32 } } },
    });
  });

  it("wants a host and a port for SMTP, an anymail name and a JSON object for an ESP", () => {
    expect(checkEmail(initial, { ...initial, smtpHost: " ", smtpPort: "70000" })).toEqual({
      ok: false,
      errors: { smtpHost: { id: "settings.error.required" }, smtpPort: { id: "settings.error.range", values: { low: 1, high: 65535 } } },
    });
    expect(checkEmail(initial, { ...initial, kind: "esp", esp: "Post Mark", espSettings: "[1]" })).toEqual({
      ok: false,
      errors: { esp: { id: "settings.error.espName" }, espSettings: { id: "settings.error.jsonObject" } },
    });
    expect(checkEmail(initial, { ...initial, kind: "esp", esp: "postmark", espSettings: '{"server_token": "t"}' })).toEqual({
      ok: true,
      changed: ["kind", "esp", "espSettings"],
      input: expect.objectContaining({ kind: "esp", esp: "postmark", espSettings: { server_token: "t" } }) as unknown,
    });
  });
});

describe("SMS provider", () => {
  const initial = smsForm(twilio());

  it("keeps the stored auth token unless a new one is typed", () => {
    expect(checkSms(initial, { ...initial, doubleOptIn: true }, true)).toEqual({
      ok: true,
      changed: ["doubleOptIn"],
      input: { accountSid: ACCOUNT_SID, fromNumber: "+4930123456", messagingServiceSid: "", maxPerSecond: 1, doubleOptIn: true },
    });
  });

  it("wants an auth token when none is stored, and a sender", () => {
    expect(checkSms(initial, { ...initial, fromNumber: "" }, false)).toEqual({
      ok: false,
      errors: { authToken: { id: "settings.error.required" }, fromNumber: { id: "settings.error.smsSenderNeeded" } },
    });
    expect(checkSms(initial, { ...initial, fromNumber: "", messagingServiceSid: SERVICE_SID, authToken: "tok" }, false)).toEqual({
      ok: true,
      changed: ["authToken", "fromNumber", "messagingServiceSid"],
      input: { accountSid: ACCOUNT_SID, authToken: "tok", fromNumber: "", messagingServiceSid: SERVICE_SID, maxPerSecond: 1, doubleOptIn: false },
    });
  });

  it("checks Twilio's formats", () => {
    expect(checkSms(initial, { ...initial, accountSid: "AC123", fromNumber: "0301234", messagingServiceSid: "MGx" }, true)).toEqual({
      ok: false,
      errors: {
        accountSid: { id: "settings.error.accountSid" },
        fromNumber: { id: "settings.error.smsSender" },
        messagingServiceSid: { id: "settings.error.serviceSid" },
      },
    });
    expect(checkSms(initial, { ...initial, fromNumber: "Linden" }, true)).toMatchObject({ ok: true, changed: ["fromNumber"] });
  });
});

describe("push and offers", () => {
  it("takes a mailto: or https: contact", () => {
    expect(checkPushSubject("mailto:a@b.example", "https://shop.example")).toEqual({
      ok: true,
      changed: ["subject"],
      input: { subject: "https://shop.example" },
    });
    expect(checkPushSubject("mailto:a@b.example", "mailto:a@b.example")).toEqual({ ok: true, changed: [], input: {} });
    expect(checkPushSubject("", "http://shop.example")).toEqual({ ok: false, errors: { subject: { id: "settings.error.pushSubject" } } });
  });

  it("checks a new offer as the API does", () => {
    expect(checkOffer({ ...EMPTY_OFFER, title: " Free shipping ", url: "https://shop.example/free", priority: "5" })).toEqual({
      ok: true,
      changed: ["title", "text", "url", "priority"],
      input: { title: "Free shipping", text: "", url: "https://shop.example/free", priority: 5 },
    });
    expect(checkOffer({ ...EMPTY_OFFER, title: "x".repeat(121), url: "http://shop.example" })).toEqual({
      ok: false,
      errors: { title: { id: "settings.error.offerTitle" }, url: { id: "settings.error.httpsUrl" } },
    });
  });
});

describe("sender and email provider in one form", () => {
  const initial = { ...senderForm(appSettings()), ...emailForm(smtpProvider()) };

  it("saves each part only when it changed", () => {
    expect(checkSenderAndEmail(initial, { ...initial, senderName: "Linden Shop" })).toEqual({
      ok: true,
      changed: ["senderName"],
      input: { settings: { senderName: "Linden Shop" } },
    });
    expect(checkSenderAndEmail(initial, { ...initial, smtpPassword: "pw" })).toEqual({
      ok: true,
      changed: ["smtpPassword"],
      input: { provider: expect.objectContaining({ kind: "smtp", smtpPassword: "pw" }) as unknown },
    });
  });

  it("shows both parts' errors at once", () => {
    expect(checkSenderAndEmail(initial, { ...initial, fromEmail: "x", smtpHost: "" })).toEqual({
      ok: false,
      errors: { fromEmail: { id: "settings.error.address" }, smtpHost: { id: "settings.error.required" } },
    });
  });
});
