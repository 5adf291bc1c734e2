/**
 * The contact list's filters: one state, kept in the page's URL search params (so a reload or
 * a shared link shows the same list) and turned into the `contacts` query's variables.
 * Only the filters `ContactFilterInput` has are offered; a value the URL holds that the API
 * would refuse is dropped when read, and a half-typed one is reported, not sent.
 */

export const STAGES = ["PROSPECT", "SUBSCRIBER", "FIRST_TIME_BUYER", "REPEAT", "VIP", "LAPSING", "LAPSED"] as const;
export const CONSENTS = ["GRANTED", "PENDING", "UNKNOWN", "WITHDRAWN"] as const;
export const SORTS = ["CREATED_AT", "LAST_ORDER_AT", "TOTAL_ORDERS"] as const;

export type Stage = (typeof STAGES)[number];
export type Consent = (typeof CONSENTS)[number];
export type ContactSort = (typeof SORTS)[number];
export type Ordered = "any" | "yes" | "no";

export type ContactListState = {
  search: string;
  stages: Stage[];
  consents: Consent[];
  /** ISO 3166 alpha-2 codes, upper case. */
  countries: string[];
  ordered: Ordered;
  /** Spend of at least `spendAmount` in `spendCurrency` (both empty: no spend filter). */
  spendCurrency: string;
  spendAmount: string;
  /** UTC days (YYYY-MM-DD), both included; empty: open. */
  lastOrderFrom: string;
  lastOrderTo: string;
  /** A segment's global id: its current members only; empty: any. */
  segmentId: string;
  sort: ContactSort;
};

export const EMPTY_STATE: ContactListState = {
  search: "",
  stages: [],
  consents: [],
  countries: [],
  ordered: "any",
  spendCurrency: "",
  spendAmount: "",
  lastOrderFrom: "",
  lastOrderTo: "",
  segmentId: "",
  sort: "CREATED_AT",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
/** A global id's shape (base64); whether the segment exists is the API's to say. */
const GLOBAL_ID = /^[A-Za-z0-9+/]{4,200}={0,2}$/;

/** A real calendar day: "2026-02-30" is not one (Date would roll it over to March). */
const isDay = (value: string): boolean => {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

const oneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** "de, at;CH" -> ["DE", "AT", "CH"]: the codes typed, upper-cased, each once; others dropped. */
export const parseCountries = (text: string): string[] =>
  unique(
    text
      .split(/[\s,;]+/)
      .map((code) => code.trim().toUpperCase())
      .filter((code) => COUNTRY.test(code)),
  );

/** The state a URL's search params stand for (unknown or malformed values are left out). */
export const stateFromParams = (params: URLSearchParams): ContactListState => {
  const spend = /^([A-Za-z]{3}):(.+)$/.exec(params.get("spend") ?? "");
  const ordered = params.get("ordered");
  const sort = (params.get("sort") ?? "").toUpperCase();
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  return {
    search: (params.get("q") ?? "").trim(),
    stages: unique(params.getAll("stage").map((s) => s.toUpperCase()).filter((s): s is Stage => oneOf(STAGES, s))),
    consents: unique(params.getAll("consent").map((s) => s.toUpperCase()).filter((s): s is Consent => oneOf(CONSENTS, s))),
    countries: parseCountries(params.get("country") ?? ""),
    ordered: ordered === "yes" || ordered === "no" ? ordered : "any",
    spendCurrency: spend && AMOUNT.test(spend[2] ?? "") ? (spend[1] ?? "").toUpperCase() : "",
    spendAmount: spend && AMOUNT.test(spend[2] ?? "") ? (spend[2] ?? "") : "",
    lastOrderFrom: isDay(from) ? from : "",
    lastOrderTo: isDay(to) ? to : "",
    segmentId: GLOBAL_ID.test(params.get("segment") ?? "") ? (params.get("segment") ?? "") : "",
    sort: oneOf(SORTS, sort) ? sort : "CREATED_AT",
  };
};

/** The search params of a state: defaults are left out, so the plain list has a plain URL. */
export const paramsFromState = (state: ContactListState): URLSearchParams => {
  const params = new URLSearchParams();
  if (state.search.trim()) params.set("q", state.search.trim());
  for (const stage of state.stages) params.append("stage", stage);
  for (const consent of state.consents) params.append("consent", consent);
  if (state.countries.length) params.set("country", state.countries.join(","));
  if (state.ordered !== "any") params.set("ordered", state.ordered);
  if (state.spendCurrency && state.spendAmount) params.set("spend", `${state.spendCurrency}:${state.spendAmount}`);
  if (state.lastOrderFrom) params.set("from", state.lastOrderFrom);
  if (state.lastOrderTo) params.set("to", state.lastOrderTo);
  if (state.segmentId) params.set("segment", state.segmentId);
  if (state.sort !== "CREATED_AT") params.set("sort", state.sort.toLowerCase());
  return params;
};

export type FilterProblem = "spendCurrency" | "spendAmount" | "lastOrderFrom" | "lastOrderTo" | "lastOrderRange";

export type ContactFilterInput = {
  lifecycleStages?: Stage[];
  emailConsents?: Consent[];
  countries?: string[];
  hasOrdered?: boolean;
  spendAtLeast?: { currency: string; amount: string };
  lastOrderAfter?: string;
  lastOrderBefore?: string;
  segmentId?: string;
};

export type ContactsVariables = {
  search: string | null;
  filter: ContactFilterInput;
  sortBy: ContactSort;
};

const nextDay = (day: string): string => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
};

/**
 * The query's variables, or the fields that keep the state from being sent. The last-order
 * days are whole UTC days, both included: "to" is sent as before the next day's midnight.
 */
export const variablesOf = (
  state: ContactListState,
): { ok: true; variables: ContactsVariables } | { ok: false; problems: FilterProblem[] } => {
  const problems: FilterProblem[] = [];
  const currency = state.spendCurrency.trim().toUpperCase();
  const amount = state.spendAmount.trim();
  if (currency || amount) {
    if (!CURRENCY.test(currency)) problems.push("spendCurrency");
    if (!AMOUNT.test(amount)) problems.push("spendAmount");
  }
  if (state.lastOrderFrom && !isDay(state.lastOrderFrom)) problems.push("lastOrderFrom");
  if (state.lastOrderTo && !isDay(state.lastOrderTo)) problems.push("lastOrderTo");
  if (isDay(state.lastOrderFrom) && isDay(state.lastOrderTo) && state.lastOrderFrom > state.lastOrderTo) {
    problems.push("lastOrderRange");
  }
  if (problems.length) return { ok: false, problems };

  const filter: ContactFilterInput = {};
  if (state.stages.length) filter.lifecycleStages = state.stages;
  if (state.consents.length) filter.emailConsents = state.consents;
  if (state.countries.length) filter.countries = state.countries;
  if (state.ordered !== "any") filter.hasOrdered = state.ordered === "yes";
  if (currency && amount) filter.spendAtLeast = { currency, amount };
  if (state.lastOrderFrom) filter.lastOrderAfter = `${state.lastOrderFrom}T00:00:00Z`;
  if (state.lastOrderTo) filter.lastOrderBefore = `${nextDay(state.lastOrderTo)}T00:00:00Z`;
  if (state.segmentId) filter.segmentId = state.segmentId;
  return { ok: true, variables: { search: state.search.trim() || null, filter, sortBy: state.sort } };
};

/** How many filters (not the search, not the sort) narrow the list. */
export const activeFilterCount = (state: ContactListState): number =>
  [
    state.stages.length > 0,
    state.consents.length > 0,
    state.countries.length > 0,
    state.ordered !== "any",
    Boolean(state.spendCurrency || state.spendAmount),
    Boolean(state.lastOrderFrom || state.lastOrderTo),
    state.segmentId !== "",
  ].filter(Boolean).length;

/** A state with one value of a multi-choice filter switched on or off. */
export const toggled = <T extends string>(values: T[], value: T, on: boolean): T[] =>
  on ? unique([...values, value]) : values.filter((v) => v !== value);
