import { describe, expect, it } from "vitest";

import { checklistItems, checklistProgress, type SetupStep } from "./checklist";

const step = (key: string, done: boolean, detail = "", at: string | null = null): SetupStep => ({ key, done, detail, at });

describe("the setup checklist", () => {
  it("shows the steps in the admin's order with a line per state and a way to the undone ones", () => {
    const items = checklistItems([
      step("storefront", false),
      step("journey", false, "0"),
      step("backfill", true, "3/3", "2026-03-02T09:00:00+00:00"),
      step("email_provider", true, "smtp.linden.example"),
      step("sender", true, "hi@linden.example"),
    ]);

    expect(items).toEqual([
      { key: "sender", done: true, messageId: "overview.setup.sender.done", values: { detail: "hi@linden.example" }, route: null },
      { key: "email_provider", done: true, messageId: "overview.setup.email_provider.done", values: { detail: "smtp.linden.example" }, route: null },
      {
        key: "backfill",
        done: true,
        messageId: "overview.setup.backfill.done",
        values: { detail: "3/3", done: 3, total: 3, at: "2026-03-02T09:00:00+00:00" },
        route: null,
      },
      { key: "journey", done: false, messageId: "overview.setup.journey.todo", values: { detail: "0", count: 0 }, route: { name: "presets" } },
      { key: "storefront", done: false, messageId: "overview.setup.storefront.todo", values: { detail: "" }, route: null },
    ]);
    expect(checklistProgress(items)).toEqual({ done: 3, total: 5, complete: false });
  });

  it("leaves out a step a newer API knows and this front end does not", () => {
    const items = checklistItems([step("sender", true, "a@b.example"), step("dns", false)]);

    expect(items.map((item) => item.key)).toEqual(["sender"]);
    expect(checklistProgress(items)).toEqual({ done: 1, total: 1, complete: true });
  });

  it("is not complete when there is nothing to check", () => {
    expect(checklistProgress(checklistItems([]))).toEqual({ done: 0, total: 0, complete: false });
  });

  it("leads to the settings for an undone sender or email provider", () => {
    const items = checklistItems([step("sender", false), step("email_provider", false, "default")]);

    expect(items.map((item) => [item.key, item.route])).toEqual([
      ["sender", { name: "settings" }],
      ["email_provider", { name: "settings" }],
    ]);
  });

  it("splits the import's progress into its counts", () => {
    const [backfill] = checklistItems([step("backfill", false, "1/3")]);

    expect(backfill?.values).toEqual({ detail: "1/3", done: 1, total: 3 });
    expect(backfill?.messageId).toBe("overview.setup.backfill.todo");
  });
});
