import { describe, expect, it } from "vitest";

import { type CheckResult, codeMessageId, fixMessageId, groupResults, messageValues, parseSelectors, recordShown, worst } from "./sender-domain";

const result = (extra: Partial<CheckResult>): CheckResult => ({
  check: "SPF",
  status: "PASS",
  code: "SPF_FOUND",
  name: "shop.test",
  record: "v=spf1 -all",
  value: null,
  selector: null,
  ...extra,
});

describe("sender domain check", () => {
  it("groups results per rule in a fixed order, each with its worst status", () => {
    const groups = groupResults([
      result({ check: "DMARC", status: "WARN", code: "DMARC_POLICY_NONE" }),
      result({}),
      result({ status: "FAIL", code: "SPF_ALL_PASS" }),
      result({ check: "UNSUBSCRIBE", code: "UNSUBSCRIBE_ONE_CLICK" }),
    ]);
    expect(groups.map((group) => [group.check, group.status, group.results.length])).toEqual([
      ["SPF", "FAIL", 2],
      ["DMARC", "WARN", 1],
      ["UNSUBSCRIBE", "PASS", 1],
    ]);
  });

  it("shows a record once for the results in a row that read it", () => {
    const results = [
      result({}),
      result({ code: "SPF_ALL_FAIL" }),
      result({ check: "DKIM", code: "DKIM_KEY_FOUND", name: "s1._domainkey.shop.test", record: "p=A" }),
      result({ check: "DKIM", code: "DKIM_MISSING", name: "s2._domainkey.shop.test", record: null }),
    ];
    expect(results.map((_, index) => recordShown(results, index))).toEqual([true, false, true, false]);
  });

  it("takes the worst of statuses", () => {
    expect(worst([])).toBe("PASS");
    expect(worst(["PASS", "WARN"])).toBe("WARN");
    expect(worst(["FAIL", "WARN", "PASS"])).toBe("FAIL");
  });

  it("words known codes and says what to do about those that do not pass", () => {
    expect(codeMessageId("SPF_MISSING")).toBe("operations.dns.code.SPF_MISSING");
    expect(codeMessageId("SOMETHING_NEW")).toBeNull();
    expect(fixMessageId({ status: "FAIL", code: "SPF_MISSING" })).toBe("operations.dns.fix.SPF_MISSING");
    expect(fixMessageId({ status: "WARN", code: "DMARC_POLICY_NONE" })).toBe("operations.dns.fix.DMARC_POLICY_NONE");
    expect(fixMessageId({ status: "PASS", code: "DMARC_POLICY_REJECT" })).toBeNull();
    expect(fixMessageId({ status: "FAIL", code: "SOMETHING_NEW" })).toBeNull();
  });

  it("gives a complaint rate as a percentage and other values as they are", () => {
    const percent = (value: number) => `${(value * 100).toFixed(2)} %`;
    expect(messageValues(result({ check: "COMPLAINTS", value: "0.0030" }), percent)).toEqual({ value: "0.30 %", selector: "", name: "shop.test" });
    expect(messageValues(result({ check: "DKIM", value: "1024", selector: "s1", name: "s1._domainkey.shop.test" }), percent)).toEqual({
      value: "1024",
      selector: "s1",
      name: "s1._domainkey.shop.test",
    });
  });

  it("reads the selectors field as the API's list, or the problem with it", () => {
    expect(parseSelectors("")).toEqual({ selectors: [], problem: null });
    expect(parseSelectors(" S1, s2  s1,k1.sub ")).toEqual({ selectors: ["s1", "s2", "k1.sub"], problem: null });
    expect(parseSelectors("s1, bad!")).toEqual({ selectors: null, problem: { id: "operations.dns.selectors.invalid", values: { selector: "bad!" } } });
    expect(parseSelectors(Array.from({ length: 11 }, (_, i) => `s${i}`).join(","))).toEqual({
      selectors: null,
      problem: { id: "operations.dns.selectors.tooMany", values: { max: "10" } },
    });
  });
});
