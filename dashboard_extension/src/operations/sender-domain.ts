/** The sender-domain check as the screen shows it: results grouped per rule, the worst status
 * of each, the wording of each code (with what to do), and the DKIM selectors field. */

export const CHECKS = ["SPF", "DKIM", "DMARC", "ALIGNMENT", "UNSUBSCRIBE", "COMPLAINTS"] as const;
export type CheckName = (typeof CHECKS)[number];
export type CheckStatus = "PASS" | "WARN" | "FAIL";

export type CheckResult = {
  check: CheckName;
  status: CheckStatus;
  code: string;
  name: string | null;
  record: string | null;
  value: string | null;
  selector: string | null;
};

export type SenderDomainCheck = {
  fromEmail: string;
  domain: string | null;
  esp: string | null;
  dkimSelectors: string[];
  checkedAt: string;
  results: CheckResult[];
};

/** Every code the API gives (messages.dns_check); each has a wording, the non-passing ones what to do. */
export const CODES = [
  "DNS_NXDOMAIN",
  "DNS_SERVFAIL",
  "DNS_TIMEOUT",
  "DNS_NO_RESOLVER",
  "DNS_BAD_NAME",
  "SPF_MISSING",
  "SPF_MULTIPLE",
  "SPF_INVALID",
  "SPF_FOUND",
  "SPF_ALL_FAIL",
  "SPF_ALL_SOFTFAIL",
  "SPF_ALL_NEUTRAL",
  "SPF_ALL_PASS",
  "SPF_ALL_MISSING",
  "SPF_LOOKUPS",
  "SPF_TOO_MANY_LOOKUPS",
  "SPF_INCLUDE_BROKEN",
  "SPF_INCLUDE_UNCHECKED",
  "SPF_PROVIDER_COVERED",
  "SPF_PROVIDER_MISSING",
  "DKIM_NO_SELECTORS",
  "DKIM_MISSING",
  "DKIM_REVOKED",
  "DKIM_INVALID",
  "DKIM_WEAK_KEY",
  "DKIM_SHORT_KEY",
  "DKIM_KEY_FOUND",
  "DKIM_ED25519",
  "DMARC_MISSING",
  "DMARC_MULTIPLE",
  "DMARC_INVALID_POLICY",
  "DMARC_FOUND",
  "DMARC_POLICY_NONE",
  "DMARC_POLICY_QUARANTINE",
  "DMARC_POLICY_REJECT",
  "DMARC_REPORTS",
  "DMARC_NO_REPORTS",
  "ALIGNMENT_DKIM",
  "ALIGNMENT_UNVERIFIED",
  "UNSUBSCRIBE_ONE_CLICK",
  "COMPLAINTS_NONE_SENT",
  "COMPLAINTS_LOW",
  "COMPLAINTS_ELEVATED",
  "COMPLAINTS_HIGH",
] as const;

export const PASSING_ONLY = new Set<string>([
  "SPF_FOUND",
  "SPF_ALL_FAIL",
  "SPF_ALL_SOFTFAIL",
  "SPF_LOOKUPS",
  "SPF_PROVIDER_COVERED",
  "DKIM_KEY_FOUND",
  "DKIM_ED25519",
  "DMARC_FOUND",
  "DMARC_POLICY_QUARANTINE",
  "DMARC_POLICY_REJECT",
  "DMARC_REPORTS",
  "ALIGNMENT_DKIM",
  "UNSUBSCRIBE_ONE_CLICK",
  "COMPLAINTS_NONE_SENT",
  "COMPLAINTS_LOW",
]);

const known = new Set<string>(CODES);

/** What was found, in words; a code this build does not know is shown as itself. */
export const codeMessageId = (code: string): string | null => (known.has(code) ? `operations.dns.code.${code}` : null);

/** What to do about it; null for a result that passes. */
export const fixMessageId = (result: Pick<CheckResult, "status" | "code">): string | null =>
  result.status === "PASS" || !known.has(result.code) || PASSING_ONLY.has(result.code) ? null : `operations.dns.fix.${result.code}`;

export const checkMessageId = (check: CheckName): string => `operations.dns.check.${check}`;
export const statusMessageId = (status: CheckStatus): string => `operations.dns.status.${status}`;

const RANK: Record<CheckStatus, number> = { PASS: 0, WARN: 1, FAIL: 2 };

export const worst = (statuses: CheckStatus[]): CheckStatus =>
  statuses.reduce<CheckStatus>((found, status) => (RANK[status] > RANK[found] ? status : found), "PASS");

export type CheckGroup = { check: CheckName; status: CheckStatus; results: CheckResult[] };

/** The results per rule, in the order of CHECKS, each with its worst status. */
export const groupResults = (results: CheckResult[]): CheckGroup[] =>
  CHECKS.map((check) => {
    const own = results.filter((result) => result.check === check);
    return { check, status: worst(own.map((result) => result.status)), results: own };
  }).filter((group) => group.results.length > 0);

/** Whether a result shows its record: the first of a run of results that read the same one. */
export const recordShown = (results: CheckResult[], index: number): boolean => {
  const result = results[index];
  const previous = index > 0 ? results[index - 1] : undefined;
  return Boolean(result?.record) && (previous === undefined || previous.record !== result?.record || previous.name !== result?.name);
};

/** The values a code's wording uses: a rate as a percentage, anything else as given. */
export const messageValues = (result: CheckResult, formatPercent: (value: number) => string): Record<string, string> => {
  const value = result.value ?? "";
  const rate = result.check === "COMPLAINTS" && value !== "" ? formatPercent(Number(value)) : value;
  return { value: rate, selector: result.selector ?? "", name: result.name ?? "" };
};

// The API's rule for a selector: DNS labels (letters, digits, _ and -), dots between them.
const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const SELECTOR = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
export const MAX_SELECTORS = 10;

export type SelectorsParse = { selectors: string[]; problem: null } | { selectors: null; problem: { id: string; values: Record<string, string> } };

/** The field's text (commas or spaces between selectors) as the query's list; empty: the ESP's defaults. */
export const parseSelectors = (text: string): SelectorsParse => {
  const selectors = [...new Set(text.split(/[\s,]+/).map((part) => part.trim().toLowerCase()).filter(Boolean))];
  const bad = selectors.find((selector) => selector.length > 200 || !SELECTOR.test(selector));
  if (bad !== undefined) {
    return { selectors: null, problem: { id: "operations.dns.selectors.invalid", values: { selector: bad } } };
  }
  if (selectors.length > MAX_SELECTORS) {
    return { selectors: null, problem: { id: "operations.dns.selectors.tooMany", values: { max: String(MAX_SELECTORS) } } };
  }
  return { selectors, problem: null };
};
