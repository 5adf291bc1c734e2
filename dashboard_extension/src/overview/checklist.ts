/**
 * The setup checklist on the app's home: the API says which steps are done (read from what the
 * app holds); here, in which order they are shown, what each says and where it leads.
 */
import type { AppRoute } from "../lib/routes";

export type SetupStep = { key: string; done: boolean; detail: string; at: string | null };

export type ChecklistItem = {
  key: string;
  done: boolean;
  /** react-intl message id of the step's line, by state. */
  messageId: string;
  values: Record<string, string | number>;
  /** Where the step is done in the app; null: outside it (the storefront, Saleor). */
  route: AppRoute | null;
};

// Steps the app knows how to describe, in the order an admin takes them.
const KNOWN = ["sender", "email_provider", "backfill", "journey", "storefront"] as const;
type Known = (typeof KNOWN)[number];

const ROUTES: Record<Known, AppRoute | null> = {
  sender: { name: "settings" },
  email_provider: { name: "settings" },
  backfill: null,
  journey: { name: "presets" },
  storefront: null,
};

const isKnown = (key: string): key is Known => (KNOWN as readonly string[]).includes(key);

/** The steps the app can describe, in its order; a step of a newer API is left out. */
export const checklistItems = (steps: SetupStep[]): ChecklistItem[] => {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  return KNOWN.flatMap((key) => {
    const step = byKey.get(key);
    if (!step || !isKnown(step.key)) {
      return [];
    }
    const values: Record<string, string | number> = { detail: step.detail };
    if (step.key === "backfill") {
      const [done = "0", total = "0"] = step.detail.split("/");
      values.done = Number(done);
      values.total = Number(total);
    }
    if (step.key === "journey") {
      values.count = Number(step.detail) || 0;
    }
    if (step.at) {
      values.at = step.at;
    }
    return [
      {
        key,
        done: step.done,
        messageId: `overview.setup.${key}.${step.done ? "done" : "todo"}`,
        values,
        route: step.done ? null : ROUTES[key],
      },
    ];
  });
};

export type Progress = { done: number; total: number; complete: boolean };

export const checklistProgress = (items: ChecklistItem[]): Progress => {
  const done = items.filter((item) => item.done).length;
  return { done, total: items.length, complete: items.length > 0 && done === items.length };
};
