/**
 * The consent ledger on the contact's profile: every change of a consent, newest first as the
 * API sends it, with where it came from (its `source`, docs/consent.md), the consent text
 * version the person saw and the client's address where there was one.
 */

export const LEDGER_CHANNELS = ["EMAIL", "SMS", "PUSH", "POSTAL"] as const;
export const LEDGER_ACTIONS = ["REQUESTED", "CONFIRMED", "WITHDRAWN", "PREFERENCES"] as const;

export type LedgerEntry = {
  channel: (typeof LEDGER_CHANNELS)[number];
  action: (typeof LEDGER_ACTIONS)[number];
  source: string;
  textVersion: string | null;
  ipAddress: string | null;
  occurredAt: string;
};

export const ledgerChannelMessageId = (channel: LedgerEntry["channel"]) => `contacts.ledger.channel.${channel}`;
export const ledgerActionMessageId = (action: LedgerEntry["action"]) => `contacts.ledger.action.${action}`;

/** Whether the ledger has any address to show (the column is left out otherwise). */
export const ledgerHasAddresses = (entries: LedgerEntry[]): boolean => entries.some((entry) => entry.ipAddress !== null);
