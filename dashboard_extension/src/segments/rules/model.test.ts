import { describe, expect, it } from "vitest";

import builtin from "./fixtures/builtin.json";
import conditions from "./fixtures/conditions.json";
import {
  addCondition,
  addGroup,
  countMode,
  defaultCondition,
  depthOf,
  errorsByRow,
  fieldKind,
  findNode,
  fromDefinition,
  hasFieldError,
  MAX_DEPTH,
  MAX_NODES,
  newTree,
  nodeCount,
  operatorsFor,
  removeNode,
  type RuleCondition,
  type RuleGroup,
  type RuleTree,
  setConditionType,
  setGroupType,
  setKey,
  setOp,
  setProfileField,
  setValue,
  toDefinition,
  valueShape,
  whereValueFrom,
  whereValueKind,
  whereValueText,
  windowMode,
  withCountMode,
  withCountValue,
  withWindowMode,
  wrapInNot,
} from "./model";

const group = (tree: RuleTree, id = tree.root.id) => findNode(tree.root, id) as RuleGroup;
const condition = (tree: RuleTree, id: string) => (findNode(tree.root, id) as RuleCondition).condition;

const CONDITION_TYPES_COVERED = ["profile", "attribute", "age", "birthday", "spend", "consent", "event", "order", "email", "segment"];

describe("fixtures", () => {
  it("cover every condition type, field kind and operator", () => {
    const types = new Set<string>();
    const profileOps = new Map<string, Set<string>>();
    const walk = (node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const n = node as Record<string, unknown>;
      if (Array.isArray(n.conditions)) n.conditions.forEach(walk);
      else if (n.condition) walk(n.condition);
      else {
        types.add(n.type as string);
        if (n.type === "profile") {
          const kind = fieldKind(n.field as string) as string;
          profileOps.set(kind, (profileOps.get(kind) ?? new Set()).add(n.op as string));
        }
      }
    };
    conditions.forEach((fixture) => walk(fixture.definition.root));
    expect([...types].sort()).toEqual([...CONDITION_TYPES_COVERED].sort());
    for (const kind of ["text", "number", "boolean", "date"] as const) {
      expect([...(profileOps.get(kind) ?? [])].sort()).toEqual([...operatorsFor(kind === "text" ? "email" : kind === "number" ? "orders_count" : kind === "boolean" ? "is_customer" : "birthday")].sort());
    }
  });

  it.each(conditions.map((f) => [f.name, f.definition] as const))("%s round-trips exactly", (_name, definition) => {
    const tree = fromDefinition(definition);
    expect(toDefinition(tree)).toStrictEqual(definition);
    // and again from the tree's own output
    expect(toDefinition(fromDefinition(toDefinition(tree)))).toStrictEqual(definition);
  });

  it.each(builtin.map((b) => [b.key, b.definition] as const))("built-in %s round-trips exactly", (_key, definition) => {
    expect(toDefinition(fromDefinition(definition))).toStrictEqual(definition);
  });

  it("has the 13 built-in segments", () => {
    expect(builtin.map((b) => b.key)).toEqual([
      "stage-subscriber",
      "stage-prospect",
      "stage-first-time-buyer",
      "stage-repeat",
      "stage-vip",
      "stage-lapsing",
      "stage-lapsed",
      "champions",
      "loyal",
      "potential-loyalists",
      "new-customers",
      "at-risk",
      "hibernating",
    ]);
  });
});

describe("fromDefinition", () => {
  it("gives every node a distinct id and reads none-of groups", () => {
    const tree = fromDefinition({
      version: 1,
      root: {
        type: "and",
        conditions: [
          { type: "not", condition: { type: "or", conditions: [{ type: "birthday" }, { type: "order" }] } },
          { type: "not", condition: { type: "order" } },
        ],
      },
    });
    expect(tree.root).toEqual({
      kind: "group",
      id: "r1",
      type: "and",
      children: [
        {
          kind: "group",
          id: "r2",
          type: "not",
          children: [
            { kind: "condition", id: "r3", condition: { type: "birthday" } },
            { kind: "condition", id: "r4", condition: { type: "order" } },
          ],
        },
        { kind: "group", id: "r5", type: "not", children: [{ kind: "condition", id: "r6", condition: { type: "order" } }] },
      ],
    });
    expect(tree.nextId).toBe(7);
  });

  it("keeps a root condition as the root row", () => {
    const tree = fromDefinition(builtin[0]?.definition);
    expect(tree.root).toEqual({ kind: "condition", id: "r1", condition: { type: "profile", field: "lifecycle_stage", op: "eq", value: "subscriber" } });
  });

  it("turns something unreadable into an empty all-of group", () => {
    expect(toDefinition(fromDefinition(null))).toEqual({ version: 1, root: { type: "and", conditions: [] } });
    expect(toDefinition(fromDefinition("x"))).toEqual({ version: 1, root: { type: "and", conditions: [] } });
  });

  it("keeps a group with keys it does not know as a condition row (unchanged)", () => {
    const odd = { version: 1, root: { type: "and", conditions: [], extra: 1 } };
    expect(toDefinition(fromDefinition(odd))).toStrictEqual(odd);
    expect(fromDefinition(odd).root.kind).toBe("condition");
  });

  it("copies: editing the tree leaves the definition it came from alone", () => {
    const definition = { version: 1, root: { type: "profile", field: "email", op: "eq", value: "a@b.c" } };
    const tree = fromDefinition(definition);
    setValue(tree, "r1", "x@y.z");
    expect(definition.root.value).toBe("a@b.c");
  });
});

describe("edits", () => {
  it("adds a condition and a group with fresh ids, keeping the others", () => {
    let tree = newTree();
    expect(toDefinition(tree)).toEqual({ version: 1, root: { type: "and", conditions: [{ type: "profile", field: "email", op: "is_set", value: null }] } });
    tree = addCondition(tree, "r1", "age");
    tree = addGroup(tree, "r1");
    expect(group(tree).children.map((c) => c.id)).toEqual(["r2", "r3", "r4"]);
    expect(group(tree, "r4").children.map((c) => c.id)).toEqual(["r5"]);
    expect(toDefinition(tree).root).toEqual({
      type: "and",
      conditions: [
        { type: "profile", field: "email", op: "is_set", value: null },
        { type: "age", op: "gte", value: 18 },
        { type: "or", conditions: [{ type: "profile", field: "email", op: "is_set", value: null }] },
      ],
    });
    expect(tree.nextId).toBe(6);
  });

  it("adding to a root condition makes an all-of group of both", () => {
    const tree = addCondition(fromDefinition(builtin[0]?.definition), "r1", "consent");
    expect(toDefinition(tree).root).toEqual({
      type: "and",
      conditions: [
        { type: "profile", field: "lifecycle_stage", op: "eq", value: "subscriber" },
        { type: "consent", channel: "email", status: ["granted"] },
      ],
    });
    expect(tree.root.id).toBe("r3");
    expect(group(tree).children.map((c) => c.id)).toEqual(["r1", "r2"]);
  });

  it("removes a row or a group; removing the root empties it", () => {
    let tree = addGroup(addCondition(newTree(), "r1"), "r1");
    tree = removeNode(tree, "r2");
    expect(group(tree).children.map((c) => c.id)).toEqual(["r3", "r4"]);
    tree = removeNode(tree, "r4");
    expect(group(tree).children.map((c) => c.id)).toEqual(["r3"]);
    tree = removeNode(tree, tree.root.id);
    expect(toDefinition(tree).root).toEqual({ type: "and", conditions: [] });
    expect(removeNode(tree, "nope")).toBe(tree);
  });

  it("changes a group's type: all, any, none", () => {
    const tree = addCondition(newTree(), "r1", "birthday");
    expect(toDefinition(setGroupType(tree, "r1", "or")).root).toMatchObject({ type: "or" });
    expect(toDefinition(setGroupType(tree, "r1", "not")).root).toEqual({
      type: "not",
      condition: { type: "or", conditions: [{ type: "profile", field: "email", op: "is_set", value: null }, { type: "birthday", within_days: 7 }] },
    });
    const single = setGroupType(newTree(), "r1", "not");
    expect(toDefinition(single).root).toEqual({ type: "not", condition: { type: "profile", field: "email", op: "is_set", value: null } });
  });

  it("wraps a row in not", () => {
    const tree = wrapInNot(newTree(), "r2");
    expect(toDefinition(tree).root).toEqual({ type: "and", conditions: [{ type: "not", condition: { type: "profile", field: "email", op: "is_set", value: null } }] });
    expect(group(tree).children[0]?.id).toBe("r3");
    expect(group(tree, "r3").children[0]?.id).toBe("r2");
  });

  it("keeps to 200 nodes and 12 levels", () => {
    let tree = newTree();
    while (nodeCount(tree.root) < MAX_NODES) tree = addCondition(tree, "r1");
    expect(nodeCount(tree.root)).toBe(MAX_NODES);
    expect(addCondition(tree, "r1")).toBe(tree);
    expect(addGroup(tree, "r1")).toBe(tree);
    expect(wrapInNot(tree, "r2")).toBe(tree);

    let deep = newTree();
    let last = "r1";
    while (true) {
      const next = addGroup(deep, last);
      if (next === deep) break;
      deep = next;
      last = (group(deep, last).children.at(-1) as RuleGroup).id;
    }
    expect(depthOf(deep.root)).toBe(MAX_DEPTH);
  });

  it("measures depth as the definition does: a shallow row of a 12-deep tree can still be negated", () => {
    const deep = fromDefinition(conditions.find((f) => f.name === "nested 12 levels deep")?.definition);
    expect(depthOf(deep.root)).toBe(12);
    const withShallow = fromDefinition({ version: 1, root: { type: "and", conditions: [toDefinition(deep).root, { type: "birthday" }] } });
    expect(depthOf(withShallow.root)).toBe(13);
    const atTwelve = fromDefinition({ version: 1, root: { type: "and", conditions: [(toDefinition(deep).root as { conditions: unknown[] }).conditions[0], { type: "birthday" }] } });
    expect(depthOf(atTwelve.root)).toBe(12);
    const shallow = (atTwelve.root as RuleGroup).children[1]?.id as string;
    const deepest = (function last(node: RuleTree["root"]): string {
      return node.kind === "group" ? last(node.children[0] as RuleTree["root"]) : node.id;
    })(atTwelve.root);
    expect(toDefinition(wrapInNot(atTwelve, shallow)).root).toMatchObject({ conditions: [{}, { type: "not", condition: { type: "birthday" } }] });
    expect(wrapInNot(atTwelve, deepest)).toBe(atTwelve);
    // a none-of group of several is two levels (not, then or): no group fits below level 11 then
    const none = setGroupType(addCondition(newTree(), "r1"), "r1", "not");
    expect(depthOf(none.root)).toBe(3);
  });

  it("counts a none-of group of several as two nodes, as the definition does", () => {
    const tree = setGroupType(addCondition(newTree(), "r1"), "r1", "not");
    expect(nodeCount(tree.root)).toBe(4);
    expect(depthOf(tree.root)).toBe(3);
  });

  it("changes a condition's type to that type's default, keeping the row id", () => {
    const tree = setConditionType(newTree(), "r2", "event");
    expect(condition(tree, "r2")).toEqual({ type: "event", event_type: "", count: { op: "gte", value: 1 } });
    expect(setConditionType(tree, "r2", "event")).toBe(tree);
    for (const type of ["profile", "attribute", "age", "birthday", "spend", "consent", "event", "order", "email", "segment"] as const) {
      expect(defaultCondition(type).type).toBe(type);
    }
  });

  it("changes a profile field: operator kept within a kind, value reset across kinds", () => {
    let tree = setValue(setOp(newTree(), "r2", "contains"), "r2", "@shop.test");
    tree = setProfileField(tree, "r2", "city");
    expect(condition(tree, "r2")).toEqual({ type: "profile", field: "city", op: "contains", value: "@shop.test" });
    tree = setProfileField(tree, "r2", "orders_count");
    expect(condition(tree, "r2")).toEqual({ type: "profile", field: "orders_count", op: "eq", value: 0 });
    tree = setProfileField(tree, "r2", "is_customer");
    expect(condition(tree, "r2")).toEqual({ type: "profile", field: "is_customer", op: "eq", value: true });
    tree = setProfileField(tree, "r2", "last_order_at");
    expect(condition(tree, "r2").op).toBe("before");
    expect(condition(tree, "r2").value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("changes an operator, reshaping the value", () => {
    let tree = setValue(setOp(newTree(), "r2", "eq"), "r2", "DE");
    tree = setProfileField(tree, "r2", "country");
    expect(condition(tree, "r2")).toEqual({ type: "profile", field: "country", op: "eq", value: "DE" });
    tree = setOp(tree, "r2", "in");
    expect(condition(tree, "r2").value).toEqual(["DE"]);
    tree = setOp(tree, "r2", "eq");
    expect(condition(tree, "r2").value).toBe("DE");
    tree = setOp(tree, "r2", "is_set");
    expect(condition(tree, "r2").value).toBeNull();

    let number = setProfileField(newTree(), "r2", "orders_count");
    number = setValue(number, "r2", 4);
    number = setOp(number, "r2", "between");
    expect(condition(number, "r2").value).toEqual([4, 4]);
    number = setOp(number, "r2", "gte");
    expect(condition(number, "r2").value).toBe(4);

    let date = setProfileField(newTree(), "r2", "date_joined");
    date = setValue(date, "r2", "2026-01-05");
    date = setOp(date, "r2", "between");
    expect(condition(date, "r2").value).toEqual(["2026-01-05", "2026-01-05"]);
    date = setOp(date, "r2", "more_than_days_ago");
    expect(condition(date, "r2").value).toBe(30);

    let age = setConditionType(newTree(), "r2", "age");
    age = setOp(age, "r2", "between");
    expect(condition(age, "r2")).toEqual({ type: "age", op: "between", value: [18, 18] });
  });

  it("sets and removes keys", () => {
    let tree = setConditionType(newTree(), "r2", "order");
    tree = setKey(tree, "r2", "product_ids", ["UHJvZHVjdDo3Mg=="]);
    tree = setKey(tree, "r2", "channel", "default-channel");
    expect(condition(tree, "r2")).toEqual({ type: "order", count: { op: "gte", value: 1 }, product_ids: ["UHJvZHVjdDo3Mg=="], channel: "default-channel" });
    tree = setKey(tree, "r2", "channel", undefined);
    expect("channel" in condition(tree, "r2")).toBe(false);
  });

  it("leaves the tree object alone when nothing changes", () => {
    const tree = newTree();
    expect(setGroupType(tree, "missing", "or")).toBe(tree);
    expect(addCondition(tree, "missing")).toBe(tree);
    expect(addGroup(tree, "r2")).toBe(tree);
  });
});

describe("operators and value shapes", () => {
  it("lists the operators per kind", () => {
    expect(operatorsFor("city")).toEqual(["eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "is_set", "is_not_set"]);
    expect(operatorsFor("rfm_recency")).toEqual(["eq", "ne", "gt", "gte", "lt", "lte", "between", "is_set", "is_not_set"]);
    expect(operatorsFor("is_customer")).toEqual(["eq"]);
    expect(operatorsFor("last_seen_at")).toEqual(["before", "after", "between", "in_last_days", "more_than_days_ago", "in_next_days", "is_set", "is_not_set"]);
    expect(operatorsFor("shoe_size")).toEqual([]);
  });

  it("gives the editor per kind and operator", () => {
    expect(valueShape("text", "eq")).toBe("text");
    expect(valueShape("text", "not_in")).toBe("texts");
    expect(valueShape("number", "between")).toBe("numberRange");
    expect(valueShape("number", "lt")).toBe("number");
    expect(valueShape("boolean", "eq")).toBe("boolean");
    expect(valueShape("date", "after")).toBe("date");
    expect(valueShape("date", "between")).toBe("dateRange");
    expect(valueShape("date", "in_next_days")).toBe("days");
    expect(valueShape("date", "is_not_set")).toBe("none");
  });
});

describe("counts and windows", () => {
  it("reads counts as at least / exactly / at most / did not", () => {
    expect(countMode(undefined)).toBe("at_least");
    expect(countMode({ op: "gte", value: 3 })).toBe("at_least");
    expect(countMode({ op: "eq", value: 2 })).toBe("exactly");
    expect(countMode({ op: "eq", value: 0 })).toBe("did_not");
    expect(countMode({ op: "lte", value: 5 })).toBe("at_most");
    expect(countMode({ op: "gt", value: 5 })).toBe("other");
  });

  it("writes counts", () => {
    const event = { type: "event", event_type: "product.viewed", count: { op: "gte", value: 3 } };
    expect(withCountMode(event, "did_not").count).toEqual({ op: "eq", value: 0 });
    expect(withCountMode(withCountMode(event, "did_not"), "at_most").count).toEqual({ op: "lte", value: 1 });
    expect(withCountMode(event, "exactly").count).toEqual({ op: "eq", value: 3 });
    expect(withCountValue({ type: "order" }, 4).count).toEqual({ op: "gte", value: 4 });
    expect(withCountValue(event, null).count).toEqual({ op: "gte", value: null });
  });

  it("writes windows", () => {
    const order = { type: "order", window: { last_days: 7 } };
    expect(windowMode(order.window)).toBe("last_days");
    expect(withWindowMode(order, "ever")).toEqual({ type: "order" });
    expect(withWindowMode(order, "last_days").window).toEqual({ last_days: 30 });
    const dates = withWindowMode(order, "dates").window as { start: string; end: string };
    expect(dates.start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(windowMode({ end: "2026-01-01" })).toBe("dates");
    expect(windowMode(undefined)).toBe("ever");
  });
});

describe("property filters", () => {
  it("types the value by operator and kind", () => {
    expect(whereValueKind("gte", "12")).toBe("number");
    expect(whereValueKind("eq", 3)).toBe("number");
    expect(whereValueKind("ne", true)).toBe("boolean");
    expect(whereValueKind("eq", "DE")).toBe("text");
    expect(whereValueFrom("in", "text", "a, b ,,c")).toEqual(["a", "b", "c"]);
    expect(whereValueFrom("gte", "number", "120.50")).toBe(120.5);
    expect(whereValueFrom("eq", "number", "12x")).toBe("12x");
    expect(whereValueFrom("eq", "text", "01234")).toBe("01234");
    expect(whereValueFrom("eq", "boolean", "true")).toBe(true);
    expect(whereValueText(["a", "b"])).toBe("a, b");
    expect(whereValueText(12.5)).toBe("12.5");
  });
});

describe("errorsByRow", () => {
  const tree = fromDefinition({
    version: 1,
    root: {
      type: "and",
      conditions: [
        { type: "profile", field: "gender", op: "eq", value: "" },
        { type: "not", condition: { type: "or", conditions: [{ type: "age", op: "between", value: [50, 30] }, { type: "order", window: {} }] } },
        { type: "not", condition: { type: "event", event_type: "x", where: [{ property: "a b", value: 1 }] } },
        { type: "or", conditions: [] },
      ],
    },
  });

  it("places each path on its row and field", () => {
    const placed = errorsByRow(
      [
        { field: "root.conditions.0.value", message: "'eq' takes a text of 1 to 256 characters" },
        { field: "root.conditions.1.condition.conditions.0.value", message: "'between' takes [low, high] with low <= high" },
        { field: "root.conditions.1.condition.conditions.1.window", message: "give last_days or start and/or end" },
        { field: "root.conditions.2.condition.event_type", message: "an event type such as 'product.viewed'" },
        { field: "root.conditions.2.condition.where.0.property", message: "letters, digits and underscores only (at most 64)" },
        { field: "root.conditions.3.conditions", message: "List should have at least 1 item after validation, not 0" },
        { field: "root", message: "at most 200 conditions and groups" },
        { field: "version", message: "Input should be 1" },
        { field: "root.conditions.9.value", message: "elsewhere" },
      ],
      tree,
    );
    expect(placed.byRow).toEqual({
      r2: [{ field: "value", message: "'eq' takes a text of 1 to 256 characters" }],
      r4: [{ field: "value", message: "'between' takes [low, high] with low <= high" }],
      r5: [{ field: "window", message: "give last_days or start and/or end" }],
      r7: [
        { field: "event_type", message: "an event type such as 'product.viewed'" },
        { field: "where.0.property", message: "letters, digits and underscores only (at most 64)" },
      ],
      r8: [{ field: "conditions", message: "List should have at least 1 item after validation, not 0" }],
    });
    expect(placed.general).toEqual([
      { field: "root", message: "at most 200 conditions and groups" },
      { field: "version", message: "Input should be 1" },
      { field: "root.conditions.9.value", message: "elsewhere" },
    ]);
  });

  it("places errors of a root condition on it", () => {
    const root = fromDefinition({ version: 1, root: { type: "profile", field: "shoe", op: "eq", value: "x" } });
    expect(errorsByRow([{ field: "root.field", message: "unknown profile field 'shoe'" }], root)).toEqual({
      byRow: { r1: [{ field: "field", message: "unknown profile field 'shoe'" }] },
      general: [],
    });
  });

  it("marks fields and their parts", () => {
    const errors = [{ field: "count.value", message: "m" }];
    expect(hasFieldError(errors, "count")).toBe(true);
    expect(hasFieldError(errors, "count.value")).toBe(true);
    expect(hasFieldError(errors, "value")).toBe(false);
    expect(hasFieldError(undefined, "value")).toBe(false);
  });
});
