/** Every message id the contacts screens build at run time exists in both languages. */
import { describe, expect, it } from "vitest";

import en from "../i18n/en/contacts.json";
import de from "../i18n/de/contacts.json";
import { CONSENTS, SORTS, type FilterProblem } from "./filters";
import { creditViaMessageId, runStatusMessageId } from "./profile";
import { eventTypeMessageId, LABELLED_TYPES } from "./timeline";

const built = [
  ...LABELLED_TYPES.map((type) => eventTypeMessageId(type)),
  ...["waiting", "exited", "failed", "other"].map(runStatusMessageId),
  ...["click", "open"].map(creditViaMessageId),
  ...SORTS.map((sort) => `contacts.sort.${sort}`),
  ...CONSENTS.map((consent) => `contacts.filter.consent.${consent}`),
  ...["any", "yes", "no"].map((value) => `contacts.filter.ordered.${value}`),
  ...(["spendCurrency", "spendAmount", "lastOrderFrom", "lastOrderTo", "lastOrderRange"] satisfies FilterProblem[]).map(
    (field) => `contacts.filter.problem.${field}`,
  ),
  ...["name", "stage", "consent", "country", "orders", "spend", "lastOrder", "created"].map((c) => `contacts.list.column.${c}`),
  ...["buyers", "repeatBuyers", "days"].map((need) => `contacts.predictions.need.${need}`),
];

describe("contacts messages", () => {
  it("has every built id in English and German", () => {
    expect(built.filter((id) => id === null || !(id in en))).toEqual([]);
    expect(built.filter((id) => id === null || !(id in de))).toEqual([]);
  });

  it("has the same ids in both languages", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
