/** Every message id the operations screen builds at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import de from "../i18n/de/operations.json";
import en from "../i18n/en/operations.json";
import { FAILURE_KINDS, kindMessageId, RETRY_REFUSALS } from "./failures";
import { CHECKS, checkMessageId, CODES, codeMessageId, fixMessageId, PASSING_ONLY, statusMessageId } from "./sender-domain";

const built = [
  ...FAILURE_KINDS.map(kindMessageId),
  ...["item", "error", "when", "attempts", "actions"].map((column) => `operations.column.${column}`),
  ...["retry", "discard"].flatMap((action) => [`operations.${action}.done`, `operations.${action}.failed`]),
  ...["contact", "journey", "template"].map((link) => `operations.link.${link}`),
  ...RETRY_REFUSALS.map((code) => `operations.refusal.${code}`),
  ...CHECKS.map(checkMessageId),
  ...(["PASS", "WARN", "FAIL"] as const).map(statusMessageId),
  ...CODES.map((code) => codeMessageId(code) ?? "missing"),
  ...CODES.filter((code) => !PASSING_ONLY.has(code)).map((code) => fixMessageId({ status: "FAIL", code }) ?? "missing"),
  ...["operations.dns.selectors.invalid", "operations.dns.selectors.tooMany"],
];

describe("operations messages", () => {
  it("has every built id in English and German", () => {
    expect(built.filter((id) => !(id in en))).toEqual([]);
    expect(built.filter((id) => !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
