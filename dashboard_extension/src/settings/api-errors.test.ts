import { describe, expect, it } from "vitest";

import { locateRefusal } from "./api-errors";

const RULES = ["capCount", "capHours", "smsCapCount", "quietStartHour", "quietEndHour", "quietAction"];
const STOREFRONT = ["storefrontOrigins", "storefrontUrls", "dashboardOrigins", "metadataKeys"];

describe("locateRefusal", () => {
  it("puts a code at its field, with the API's text", () => {
    expect(locateRefusal({ code: "INVALID_HOUR", message: "Quiet hours are whole hours from 0 to 23" }, RULES)).toEqual({
      field: "quietStartHour",
      error: { id: "settings.error.fromApi", values: { message: "Quiet hours are whole hours from 0 to 23" } },
    });
  });

  it("tells fields of one code apart by the message", () => {
    const cap = (message: string) => locateRefusal({ code: "INVALID_CAP", message }, RULES).field;
    expect(cap("Channel caps map sms or push to a count (0-100) per a window of 1 to 720 hours")).toBe("smsCapCount");
    expect(cap("The cap window is 1 hour to 30 days")).toBe("capHours");
    const originField = (message: string) => locateRefusal({ code: "INVALID_ORIGIN", message }, STOREFRONT).field;
    expect(originField("'x' is not an origin such as https://shop.eu.saleor.cloud")).toBe("dashboardOrigins");
    expect(originField("'x' is not an origin such as https://shop.example.com")).toBe("storefrontOrigins");
    const sms = (message: string) =>
      locateRefusal({ code: "INVALID_SMS_PROVIDER", message }, ["accountSid", "authToken", "fromNumber", "messagingServiceSid"]).field;
    expect(sms("The account SID is AC followed by 32 hex digits")).toBe("accountSid");
    expect(sms("A messaging service SID is MG followed by 32 hex digits")).toBe("messagingServiceSid");
    expect(sms("The auth token is required")).toBe("authToken");
    expect(sms("Give a sender number or a messaging service")).toBe("fromNumber");
    const provider = (message: string) =>
      locateRefusal({ code: "INVALID_PROVIDER", message }, ["kind", "smtpHost", "smtpPort", "smtpSecurity", "maxPerSecond", "connections", "esp"]).field;
    expect(provider("connections is between 0 (the default) and 32")).toBe("connections");
    expect(provider("max_per_second cannot be negative")).toBe("maxPerSecond");
    expect(provider("An SMTP server needs a host and a port")).toBe("smtpHost");
  });

  it("puts a consent text version's refusal at its field", () => {
    const fields = ["channel", "language", "version", "consentText"];
    const at = (code: string) => locateRefusal({ code, message: "m" }, fields).field;
    expect(["INVALID_LANGUAGE", "INVALID_VERSION", "VERSION_TAKEN", "INVALID_TEXT"].map(at)).toEqual(["language", "version", "version", "consentText"]);
  });

  it("says the form as a whole when the field is not in the form or the code unknown", () => {
    expect(locateRefusal({ code: "INVALID_HOUR", message: "m" }, STOREFRONT).field).toBeNull();
    expect(locateRefusal({ code: "INTERNAL_ERROR", message: "m" }, RULES).field).toBeNull();
  });
});
