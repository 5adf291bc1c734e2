import { describe, expect, it } from "vitest";

import { activeFilterCount, EMPTY_STATE, paramsFromState, parseCountries, stateFromParams, toggled, variablesOf } from "./filters";

const full = {
  ...EMPTY_STATE,
  search: "ada",
  stages: ["VIP", "REPEAT"],
  consents: ["GRANTED"],
  countries: ["DE", "AT"],
  ordered: "yes",
  spendCurrency: "EUR",
  spendAmount: "100.50",
  lastOrderFrom: "2026-11-01",
  lastOrderTo: "2026-11-30",
  segmentId: "U2VnbWVudDoz",
  sort: "LAST_ORDER_AT",
} as const;

describe("contact list filters", () => {
  it("write a state to search params and read the same state back", () => {
    const params = paramsFromState({ ...full, stages: [...full.stages], consents: [...full.consents], countries: [...full.countries] });

    expect(params.toString()).toBe(
      "q=ada&stage=VIP&stage=REPEAT&consent=GRANTED&country=DE%2CAT&ordered=yes&spend=EUR%3A100.50&from=2026-11-01&to=2026-11-30&segment=U2VnbWVudDoz&sort=last_order_at",
    );
    expect(stateFromParams(params)).toEqual(full);
  });

  it("leave the defaults out of the URL", () => {
    expect(paramsFromState(EMPTY_STATE).toString()).toBe("");
    expect(stateFromParams(new URLSearchParams(""))).toEqual(EMPTY_STATE);
  });

  it("drop what the API would refuse when reading a URL", () => {
    const state = stateFromParams(
      new URLSearchParams("stage=vip&stage=NOPE&stage=VIP&consent=maybe&country=de,XYZ,1&ordered=perhaps&spend=EUR:ten&from=2026-13-45&to=x&segment=<script>&sort=name"),
    );

    expect(state).toEqual({ ...EMPTY_STATE, stages: ["VIP"], countries: ["DE"] });
  });

  it("turn a state into the query's variables, the last day included", () => {
    expect(variablesOf({ ...full, stages: [...full.stages], consents: [...full.consents], countries: [...full.countries] })).toEqual({
      ok: true,
      variables: {
        search: "ada",
        sortBy: "LAST_ORDER_AT",
        filter: {
          lifecycleStages: ["VIP", "REPEAT"],
          emailConsents: ["GRANTED"],
          countries: ["DE", "AT"],
          hasOrdered: true,
          spendAtLeast: { currency: "EUR", amount: "100.50" },
          lastOrderAfter: "2026-11-01T00:00:00Z",
          lastOrderBefore: "2026-12-01T00:00:00Z",
          segmentId: "U2VnbWVudDoz",
        },
      },
    });
    expect(variablesOf(EMPTY_STATE)).toEqual({ ok: true, variables: { search: null, filter: {}, sortBy: "CREATED_AT" } });
    expect(variablesOf({ ...EMPTY_STATE, ordered: "no", search: "  " })).toEqual({
      ok: true,
      variables: { search: null, filter: { hasOrdered: false }, sortBy: "CREATED_AT" },
    });
  });

  it("report half-typed values instead of sending them", () => {
    expect(variablesOf({ ...EMPTY_STATE, spendCurrency: "EU", spendAmount: "" })).toEqual({ ok: false, problems: ["spendCurrency", "spendAmount"] });
    expect(variablesOf({ ...EMPTY_STATE, spendCurrency: "eur", spendAmount: "12,5" })).toEqual({ ok: false, problems: ["spendAmount"] });
    expect(variablesOf({ ...EMPTY_STATE, lastOrderFrom: "2026-12-02", lastOrderTo: "2026-12-01" })).toEqual({
      ok: false,
      problems: ["lastOrderRange"],
    });
    expect(variablesOf({ ...EMPTY_STATE, lastOrderTo: "2026-02-30" })).toEqual({ ok: false, problems: ["lastOrderTo"] });
  });

  it("upper-case a typed currency", () => {
    const result = variablesOf({ ...EMPTY_STATE, spendCurrency: "usd", spendAmount: "5" });

    expect(result.ok && result.variables.filter.spendAtLeast).toEqual({ currency: "USD", amount: "5" });
  });

  it("read typed countries and count the active filters", () => {
    expect(parseCountries(" de, at;ch  DE fr1")).toEqual(["DE", "AT", "CH"]);
    expect(activeFilterCount(EMPTY_STATE)).toBe(0);
    expect(activeFilterCount({ ...full, stages: [...full.stages], consents: [...full.consents], countries: [...full.countries] })).toBe(7);
    expect(toggled(["VIP"], "REPEAT", true)).toEqual(["VIP", "REPEAT"]);
    expect(toggled(["VIP", "REPEAT"], "VIP", false)).toEqual(["REPEAT"]);
    expect(toggled(["VIP"], "VIP", true)).toEqual(["VIP"]);
  });
});
