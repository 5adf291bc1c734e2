import { describe, expect, it } from "vitest";

import de from "../i18n/de/contacts.json";
import en from "../i18n/en/contacts.json";
import { LEDGER_ACTIONS, LEDGER_CHANNELS, ledgerActionMessageId, ledgerChannelMessageId, type LedgerEntry, ledgerHasAddresses } from "./ledger";

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  channel: "EMAIL",
  action: "REQUESTED",
  source: "storefront.subscribe",
  textVersion: "2026-06",
  ipAddress: null,
  occurredAt: "2026-06-01T09:00:00+00:00",
  ...over,
});

describe("the consent ledger", () => {
  it("names every channel and action in English and German", () => {
    const ids = [...LEDGER_CHANNELS.map(ledgerChannelMessageId), ...LEDGER_ACTIONS.map(ledgerActionMessageId)];
    expect(ids).toContain("contacts.ledger.action.WITHDRAWN");
    expect(ids.filter((id) => !(id in en) || !(id in de))).toEqual([]);
  });

  it("shows the address column only when some row has an address", () => {
    expect(ledgerHasAddresses([entry({}), entry({ action: "CONFIRMED" })])).toBe(false);
    expect(ledgerHasAddresses([entry({}), entry({ ipAddress: "198.51.100.4" })])).toBe(true);
    expect(ledgerHasAddresses([])).toBe(false);
  });
});
