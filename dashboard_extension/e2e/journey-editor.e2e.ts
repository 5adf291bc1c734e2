// The journey editor in the stand-in Dashboard: an abandoned-checkout journey built by drag and
// drop, a node's error until it is configured, undo and redo of an edge, the same graph and
// layout after a reload, publishing and the published version read back from the API; the form
// of every node type; a node's count after enrolling a contact; a subject-line test whose
// unparsable subject the publish check names at its row.
import { join } from "node:path";

import type { FrameLocator } from "playwright-core";
import { describe, expect, test } from "vitest";

import everyNode from "../fixtures/journeys/every-node.json";
import { e2e, eventually, graphql, openApp, saleorUserId, screenshot, seedCustomer, useBrowser } from "./harness";

useBrowser();

const CREATE = `mutation E2ECreateJourney($name: String!, $draft: GenericScalar) { createJourney(name: $name, draft: $draft) { journey { id } } }`;
const READ = `query E2EJourney($id: ID!) { journey(id: $id) { status draft layout currentVersion { number definition layout } nodeCounts { node waiting passed exited } } }`;

type Journey = {
  status: string;
  draft: Record<string, unknown>;
  layout: Record<string, { x: number; y: number }>;
  currentVersion: { number: number; definition: Record<string, unknown>; layout: Record<string, unknown> } | null;
  nodeCounts: { node: string; waiting: number; passed: number; exited: number }[];
};

const createJourney = async (name: string, draft?: unknown): Promise<string> => {
  const { data } = await graphql<{ createJourney: { journey: { id: string } } }>(CREATE, { name, draft: draft ?? null });
  return data!.createJourney.journey.id;
};

const readJourney = async (id: string): Promise<Journey> => (await graphql<{ journey: Journey }>(READ, { id })).data!.journey;

/** A node of the draft's canvas (not of the live version's beside it). */
const node = (app: FrameLocator, id: string) => app.getByTestId("journey-canvas").getByTestId(`journey-node-${id}`);
const edges = (app: FrameLocator) => app.getByTestId("journey-canvas").locator(".react-flow__edge");

/** Drags a palette item onto the canvas at (x, y) of the canvas. */
const drop = async (app: FrameLocator, item: string, x: number, y: number) => {
  await app.getByTestId(`palette-${item}`).dragTo(app.getByTestId("journey-canvas"), { targetPosition: { x, y } });
};

/** Drags from a node's output handle to another node's input. */
const connect = async (app: FrameLocator, source: string, handle: string, target: string) => {
  await app.getByTestId(`journey-handle-${source}-${handle}`).dragTo(app.locator(`.react-flow__node[data-id="${target}"] .react-flow__handle.target`));
};

const waitSaved = async (app: FrameLocator) => {
  await app.locator('[data-testid="save-status"][data-status="saved"]').waitFor({ timeout: 15_000 });
};

/** The form controls of a part of the page that have no accessible name (none should). */
const unlabelled = async (app: FrameLocator, testId: string): Promise<string[]> => {
  const tree = await app.getByTestId(testId).ariaSnapshot();
  return tree.split("\n").filter((line) => /^\s*- (textbox|combobox|checkbox|button|spinbutton|listbox|radio|switch)\b(?! ")/.test(line));
};

/** Picks an option of a macaw Select by its label. */
const choose = async (app: FrameLocator, label: string, option: string | RegExp) => {
  await app.getByRole("combobox", { name: label, exact: true }).click();
  await app.getByRole("option", { name: option }).click();
};

/** Where each node is drawn (its transform in the canvas's own coordinates). */
const positions = async (app: FrameLocator, ids: string[]) => {
  const result: Record<string, string | undefined> = {};
  for (const id of ids) {
    const style = await app.locator(`.react-flow__node[data-id="${id}"]`).getAttribute("style");
    result[id] = style?.match(/translate\([^)]*\)/)?.[0];
  }
  return result;
};

describe("journey editor", () => {
  test("builds an abandoned-checkout journey by drag and drop, undoes an edge, reloads, publishes", async () => {
    // given: an empty journey
    const id = await createJourney(`Abandoned checkout ${Date.now()}`);
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("journey-editor").waitFor();
    await screenshot(page, "empty");

    // when: the entry and three steps are dragged from the palette
    await drop(app, "entry-event", 160, 30);
    await drop(app, "node-send_email", 160, 150);
    await drop(app, "node-wait", 160, 280);
    await drop(app, "node-exit", 160, 410);
    for (const step of ["@entry", "send-email-1", "wait-1", "exit-1"]) await node(app, step).waitFor();

    // the entry: checkout.abandoned, one run per checkout
    await node(app, "@entry").click();
    await app.getByLabel("Event type", { exact: true }).fill("checkout.abandoned");
    await app.getByLabel("One run per (event property)", { exact: true }).fill("checkout_id");

    // connected by dragging from each output to the next step
    await connect(app, "@entry", "start", "send-email-1");
    await connect(app, "send-email-1", "next", "wait-1");
    await connect(app, "wait-1", "next", "exit-1");
    await expect.poll(() => edges(app).count()).toBe(3);

    // then: the email step shows its error until a template is chosen
    await expect.poll(() => node(app, "send-email-1").getAttribute("data-invalid")).toBe("true");
    expect(await app.getByTestId("journey-node-problem-send-email-1").textContent()).toContain("required");
    await screenshot(page, "email-needs-a-template");
    await node(app, "send-email-1").click();
    await app.getByTestId("node-form-send_email").waitFor();
    await choose(app, "Template", /\(abandoned-checkout-1\)/);
    await app.getByTestId("template-preview").waitFor();
    await expect.poll(() => node(app, "send-email-1").getAttribute("data-invalid")).toBe("false");
    await screenshot(page, "email-configured");

    // undo and redo of an edge (the last connection made before configuring is two steps back:
    // undo the template, then the edge)
    await page.keyboard.press("Escape");
    await app.getByTestId("journey-canvas").click({ position: { x: 20, y: 500 } });
    await app.getByTestId("undo").click();
    await app.getByTestId("undo").click();
    await expect.poll(() => edges(app).count()).toBe(2);
    expect(await app.locator('.react-flow__edge[data-id="wait-1:next"]').count()).toBe(0);
    await screenshot(page, "edge-undone");
    await page.keyboard.press("Control+Shift+Z");
    await page.keyboard.press("Control+Shift+Z");
    await expect.poll(() => edges(app).count()).toBe(3);
    await expect.poll(() => node(app, "send-email-1").getAttribute("data-invalid")).toBe("false");

    // the draft is saved, with its layout
    await waitSaved(app);
    const saved = await readJourney(id);
    const expected = {
      entry: { type: "event", event_type: "checkout.abandoned", entry_key: "checkout_id" },
      start: "send-email-1",
      nodes: {
        "send-email-1": { type: "send_email", template: "abandoned-checkout-1", at_best_hour: false, next: "wait-1" },
        "wait-1": { type: "wait", duration: { days: 1 }, next: "exit-1" },
        "exit-1": { type: "exit" },
      },
    };
    expect(saved.draft).toEqual(expected);
    expect(Object.keys(saved.layout).sort()).toEqual(["entry", "exit-1", "send-email-1", "wait-1"]);
    const before = await positions(app, ["@entry", "send-email-1", "wait-1", "exit-1"]);

    // when: the page is reloaded
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
    await node(app, "exit-1").waitFor();

    // then: the same graph and layout
    await expect.poll(() => edges(app).count()).toBe(3);
    expect(await positions(app, ["@entry", "send-email-1", "wait-1", "exit-1"])).toEqual(before);
    expect((await readJourney(id)).layout).toEqual(saved.layout);
    await screenshot(page, "reloaded");

    // when: published, with the this-goes-live confirmation
    await app.getByTestId("publish").click();
    await app.getByTestId("confirm-dialog").waitFor();
    expect(await app.getByTestId("confirm-dialog").textContent()).toContain("This goes live");
    await screenshot(page, "publish-confirmation");
    await app.getByTestId("confirm-dialog-confirm").click();

    // then: the API has version 1 with the draft's definition and layout
    const published = await eventually(async () => {
      const journey = await readJourney(id);
      return journey.currentVersion ? journey : null;
    });
    expect(published.status).toBe("active");
    // (a published definition is the parsed one: every default written out)
    expect(published.currentVersion).toEqual({
      number: 1,
      definition: {
        version: 1,
        entry: { ...expected.entry, where: [], enter_already_above: false },
        reentry: { mode: "once", days: null },
        goal: null,
        holdout_percent: 0,
        start: "send-email-1",
        nodes: {
          ...expected.nodes,
          "send-email-1": { ...expected.nodes["send-email-1"], subject_variants: [] },
          "wait-1": { type: "wait", duration: { days: 1, hours: 0, minutes: 0 }, next: "exit-1" },
        },
      },
      layout: saved.layout,
    });
    await app.getByText("Version 1 is live").first().waitFor();
    await app.getByTestId("toggle-live").click();
    await app.getByTestId("live-canvas").locator('.react-flow__node[data-id="wait-1"]').waitFor();
    await screenshot(page, "published-with-live-version");

    // and the draft edited after publishing is saved as before (publishing moved updatedAt)
    await node(app, "send-email-1").click();
    await app.getByTestId("field-at_best_hour").click();
    // the indicator may still show the save before the click: read the draft until it has it
    await expect
      .poll(
        async () => ((await readJourney(id)).draft.nodes as Record<string, Record<string, unknown>>)["send-email-1"]?.at_best_hour,
        { timeout: 15_000 },
      )
      .toBe(true);
    await waitSaved(app);
    expect(errors).toEqual([]);
  });

  test("opens the form of every node type, and of every entry type from the palette by keyboard", async () => {
    // given: a draft with every node type (the backend's fixture), without a layout yet
    const id = await createJourney(`Every node ${Date.now()}`, everyNode.definition);
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await app.getByTestId("journey-editor").waitFor();
    await app.getByTestId("tidy").click();
    expect(await unlabelled(app, "journey-palette")).toEqual([]);
    expect(await unlabelled(app, "journey-editor")).toEqual([]);

    // when / then: each node's form
    for (const [nodeId, step] of Object.entries(everyNode.definition.nodes)) {
      await node(app, nodeId).click();
      await app.getByTestId(`node-form-${step.type}`).waitFor();
      await screenshot(page, `form-${step.type}`);
      expect(await unlabelled(app, "side-panel")).toEqual([]);
    }

    // and each entry type, chosen from the palette with the keyboard (the fixture has a broadcast
    // with a test share besides one at local time: its type once)
    for (const entry of everyNode.entries.filter((e, i, all) => all.findIndex((o) => o.type === e.type) === i)) {
      await app.getByTestId(`palette-entry-${entry.type}`).focus();
      await page.keyboard.press("Enter");
      await app.getByTestId(`node-form-${entry.type}`).waitFor();
      await screenshot(page, `form-entry-${entry.type}`);
      expect(await unlabelled(app, "side-panel")).toEqual([]);
      if (entry.type === "broadcast") {
        // a test share of the journey's split: local time is off while it is on
        await app.getByTestId("broadcast-test-start").click();
        const share = app.getByTestId("field-test");
        await share.getByRole("combobox", { name: "Split node to test", exact: true }).waitFor();
        expect(await app.getByTestId("field-local_time").isDisabled()).toBe(true);
        await share.getByLabel("Test share (% of the segment)", { exact: true }).fill("60");
        await expect.poll(() => share.textContent()).toContain("a whole number from 5 to 50");
        await share.scrollIntoViewIfNeeded();
        await screenshot(page, "broadcast-test");
        expect(await unlabelled(app, "side-panel")).toEqual([]);
        await share.getByLabel("Test share (% of the segment)", { exact: true }).fill("20");
        await waitSaved(app);
        expect((await readJourney(id)).draft.entry).toMatchObject({ type: "broadcast", test: { split: "split", share_percent: 20, wait_hours: 4, metric: "click" } });
      }
      if (entry.type === "trigger") {
        // the trigger secret, shown once, with a copy button (or everything selected to copy by hand)
        await app.getByTestId("trigger-secret-new").click();
        const secret = await app.getByTestId("trigger-secret-value").inputValue();
        expect(secret.length).toBeGreaterThanOrEqual(32);
        await app.getByTestId("trigger-secret-copy").click();
        await expect
          .poll(() => app.getByTestId("trigger-secret").getByRole("status").textContent())
          .toMatch(/^(Copied|The clipboard is not available here: the secret is selected, press Ctrl\+C \(Cmd\+C\) to copy it\.)$/);
        await screenshot(page, "trigger-secret");
        // a new secret moved the journey's updatedAt: the next edit still saves
        await app.getByTestId("field-key").fill("rainy-day-2");
        await waitSaved(app);
        expect((await readJourney(id)).draft.entry).toEqual({ type: "trigger", key: "rainy-day-2" });
      }
    }
    expect(errors).toEqual([]);
  });

  test("shows a node's count after a contact is enrolled, and a test run's path", async () => {
    // given: a live journey with a manual entry: wait a day, then exit
    const draft = {
      entry: { type: "manual" },
      start: "pause",
      nodes: { pause: { type: "wait", duration: { days: 1 }, next: "done" }, done: { type: "exit" } },
    };
    const id = await createJourney(`Manual ${Date.now()}`, draft);
    await graphql(`mutation E2EPublish($id: ID!) { publishJourney(id: $id) { journey { status } errors { message } } }`, { id });
    const email = `enrol-${Date.now()}@example.com`;
    await seedCustomer({ userId: saleorUserId(900_000 + (Date.now() % 99_999)), email, firstName: "Enid", lastName: "Rolle" });
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await node(app, "pause").waitFor();

    // when: the contact is enrolled from the editor
    await app.getByTestId("open-enrol").click();
    await app.getByTestId("enrol-dialog").waitFor();
    await app.getByTestId("contact-search").fill(email);
    await app.getByTestId("contact-option").filter({ hasText: email }).click();
    await screenshot(page, "enrol-dialog");
    await app.getByTestId("enrol-confirm").click();

    // then: the wait node counts one contact waiting, on the canvas and in the API
    await expect.poll(() => app.getByTestId("journey-node-counts-pause").textContent(), { timeout: 20_000 }).toContain("1 waiting");
    expect((await readJourney(id)).nodeCounts.find((c) => c.node === "pause")).toEqual({ node: "pause", waiting: 1, passed: 0, exited: 0 });
    // announced to screen readers (a polite live region)
    expect(await app.getByTestId("count-announcer").getAttribute("aria-live")).toBe("polite");
    await expect.poll(() => app.getByTestId("count-announcer").textContent()).toContain("pause: 1 waiting.");
    await screenshot(page, "counted");

    // when: the same contact is test-run through the draft
    await app.getByTestId("open-test-run").click();
    await app.getByTestId("contact-search").fill(email);
    await app.getByTestId("contact-option").filter({ hasText: email }).click();
    await app.getByTestId("test-run-start").click();
    await app.getByTestId("test-run-steps").waitFor();
    await screenshot(page, "test-run");
    await page.keyboard.press("Escape");

    // then: the path taken is lit on the canvas
    await expect.poll(() => node(app, "pause").getAttribute("data-traced")).toBe("true");
    expect(await node(app, "done").getAttribute("data-traced")).toBe("true");
    await screenshot(page, "test-path");
    expect(errors).toEqual([]);
  });

  test("warns when another tab changed the draft, and blocks publishing a step the shop cannot run", async () => {
    // given: a journey open in the editor, whose template does not exist in the shop
    const draft = {
      entry: { type: "manual" },
      start: "mail",
      nodes: { mail: { type: "send_email", template: "no-such-template", next: "done" }, done: { type: "exit" } },
    };
    const id = await createJourney(`Conflict ${Date.now()}`, draft);
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await node(app, "mail").waitFor();
    await waitSaved(app);

    // when: publishing is asked for
    await app.getByTestId("publish").click();

    // then: the shop's check blocks it, naming the node, and nothing is published
    await app.getByTestId("publish-blocking").waitFor();
    expect(await app.getByTestId("publish-blocking").textContent()).toContain("mail");
    await expect.poll(() => node(app, "mail").getAttribute("data-invalid")).toBe("true");
    expect(await app.getByTestId("confirm-dialog").count()).toBe(0);
    expect((await readJourney(id)).currentVersion).toBeNull();
    await screenshot(page, "publish-blocked");

    // when: another tab saves the draft, then this one edits it
    await graphql(`mutation E2EOtherTab($id: ID!, $draft: GenericScalar) { updateJourneyDraft(id: $id, draft: $draft) { journey { id } } }`, {
      id,
      draft: { ...draft, nodes: { ...draft.nodes, done: { type: "exit" }, extra: { type: "exit" } } },
    });
    await node(app, "mail").click();
    await app.getByTestId("field-at_best_hour").click();

    // then: the editor warns instead of overwriting, and keeps the other tab's draft on the server
    await app.getByTestId("conflict-warning").waitFor({ timeout: 15_000 });
    expect(await app.getByTestId("save-status").getAttribute("data-status")).toBe("conflict");
    expect(Object.keys((await readJourney(id)).draft.nodes as object).sort()).toEqual(["done", "extra", "mail"]);
    await screenshot(page, "conflict");

    // when: the admin loads the other tab's draft
    await app.getByTestId("conflict-reload").click();

    // then: the canvas shows it, and the warning is gone
    await node(app, "extra").waitFor();
    expect(await app.getByTestId("conflict-warning").count()).toBe(0);
    await screenshot(page, "conflict-resolved");
    expect(errors).toEqual([]);
  });

  test("tests subject lines: a subject the server cannot parse is named at its row, fixed, and published", async () => {
    // given: a journey that sends one email
    const draft = {
      entry: { type: "manual" },
      start: "mail",
      nodes: { mail: { type: "send_email", template: "abandoned-checkout-1", next: "done" }, done: { type: "exit" } },
    };
    const id = await createJourney(`Subject test ${Date.now()}`, draft);
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await node(app, "mail").click();
    const form = app.getByTestId("node-form-send_email");
    await form.waitFor();

    // when: a subject-line test is turned on (two rows), the second subject left unclosed
    await form.getByRole("button", { name: "Test subject lines" }).click();
    await form.getByLabel("Subject A", { exact: true }).fill("Your cart is waiting");
    await form.getByLabel("Subject B", { exact: true }).fill("{{ contact.first_name, your cart");
    expect(await unlabelled(app, "side-panel")).toEqual([]);
    expect(await form.getByRole("button", { name: "Remove subject B" }).count()).toBe(1);
    await waitSaved(app);
    await app.getByTestId("publish").click();

    // then: the publish check names the second subject, at its row, and nothing is published
    await app.getByTestId("publish-blocking").waitFor();
    const second = form.getByTestId("subject-variant-1");
    await expect.poll(() => second.textContent()).toContain("subject variant 2:");
    expect(await form.getByTestId("subject-variant-0").textContent()).not.toContain("subject variant");
    expect(await app.getByTestId("confirm-dialog").count()).toBe(0);
    expect((await readJourney(id)).currentVersion).toBeNull();
    await form.getByTestId("field-subject_variants").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(e2e().screenshotsDir, "editor-subject-test.png"), fullPage: true });

    // when: the subject is fixed and the journey published
    await form.getByLabel("Subject B", { exact: true }).fill("{{ contact.first_name }}, your cart");
    await expect.poll(() => second.textContent()).not.toContain("subject variant 2:");
    await waitSaved(app);
    await app.getByTestId("publish").click();
    await app.getByTestId("confirm-dialog").waitFor();
    await app.getByTestId("confirm-dialog-confirm").click();

    // then: the live version sends the two subjects
    const published = await eventually(async () => {
      const journey = await readJourney(id);
      return journey.currentVersion ? journey : null;
    });
    expect((published.currentVersion!.definition.nodes as Record<string, unknown>).mail).toEqual({
      type: "send_email",
      template: "abandoned-checkout-1",
      at_best_hour: false,
      subject_variants: ["Your cart is waiting", "{{ contact.first_name }}, your cart"],
      next: "done",
    });
    expect(errors).toEqual([]);
  });

  test("inserts steps with the keyboard after the selected node and on the selected edge", async () => {
    // given
    const draft = {
      entry: { type: "manual" },
      start: "mail",
      nodes: { mail: { type: "send_email", template: "welcome-1", next: "done" }, done: { type: "exit" } },
    };
    const id = await createJourney(`Keyboard ${Date.now()}`, draft);
    const { page, app, errors } = await openApp({ path: `/journeys/${id}` });
    await node(app, "mail").waitFor();
    await app.getByRole("navigation", { name: "Steps" }).waitFor();

    // when: a node is selected from the keyboard (focus, Enter) and a wait is pressed in the palette
    await app.locator('.react-flow__node[data-id="mail"]').focus();
    await page.keyboard.press("Enter");
    await app.getByTestId("node-form-send_email").waitFor();
    await app.getByTestId("palette-node-wait").focus();
    await page.keyboard.press("Enter");

    // then: the wait follows the email, and the email's old successor follows the wait
    await node(app, "wait-1").waitFor();
    await app.getByTestId("node-form-wait").waitFor();

    // when: the entry's edge is selected and an SMS step is pressed in the palette
    await app.locator('.react-flow__edge[data-id="@entry:start"]').focus();
    await page.keyboard.press("Enter");
    await app.getByTestId("edge-panel").waitFor();
    await app.getByTestId("palette-node-send_sms").focus();
    await page.keyboard.press("Enter");
    await node(app, "send-sms-1").waitFor();
    await screenshot(page, "inserted");

    // then: saved as one path, entry -> SMS -> email -> wait -> exit
    await waitSaved(app);
    const saved = (await readJourney(id)).draft as { start: string; nodes: Record<string, Record<string, unknown>> };
    expect(saved.start).toBe("send-sms-1");
    expect(saved.nodes["send-sms-1"]).toEqual({ type: "send_sms", template: "", at_best_hour: false, next: "mail" });
    expect(saved.nodes.mail).toEqual({ type: "send_email", template: "welcome-1", next: "wait-1" });
    expect(saved.nodes["wait-1"]).toEqual({ type: "wait", duration: { days: 1 }, next: "done" });
    expect(errors).toEqual([]);
  });

  test("speaks German when the Dashboard does", async () => {
    const id = await createJourney(`Deutsch ${Date.now()}`, { entry: { type: "manual" }, start: "done", nodes: { done: { type: "exit" } } });
    const { page, app, errors } = await openApp({ path: `/journeys/${id}`, locale: "de" });
    await app.getByRole("button", { name: "Veröffentlichen" }).waitFor();
    await app.getByRole("navigation", { name: "Schritte" }).getByRole("button", { name: "E-Mail senden" }).waitFor();
    await node(app, "done").click();
    await app.getByRole("heading", { name: "Ende" }).waitFor();
    await screenshot(page, "german");
    expect(errors).toEqual([]);
  });
});
