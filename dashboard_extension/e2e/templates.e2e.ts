// The templates list against the real app: an email template created from the
// order-confirmation starter is listed as transactional, copied, and the copy renamed (its key
// stays). Names carry a stamp: the test files share the app's database.
import type { FrameLocator } from "playwright-core";
import { describe, expect, test } from "vitest";

import { type Embedded, graphql, openApp, screenshot, useBrowser } from "./harness";

useBrowser();

const stamp = Date.now().toString(36);

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const row = (app: FrameLocator, name: string) =>
  app.getByTestId("template-row").filter({ has: app.getByRole("link", { name, exact: true }) });

const text = async (locator: { textContent(): Promise<string | null> }) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

describe("templates", () => {
  test("create from a starter, copy, rename", async () => {
    const name = `Order confirmation ${stamp}`;
    // a journey whose draft (never published) sends the template about to be made
    const journey = `Order follow-up ${stamp}`;
    const draft = {
      entry: { type: "manual" },
      start: "mail",
      nodes: { mail: { type: "send_email", template: `order-confirmation-${stamp}`, next: "end" }, end: { type: "exit" } },
    };
    const made = await graphql(`mutation E2ETemplateJourney($name: String!, $draft: GenericScalar) { createJourney(name: $name, draft: $draft) { journey { id } } }`, {
      name: journey,
      draft,
    });
    expect(made.errors).toBeUndefined();
    const embedded = await openApp({ path: "/templates" });
    const { app, page } = embedded;
    await app.getByRole("heading", { name: "Templates", level: 1 }).waitFor();
    await app.getByRole("heading", { name: "Email", level: 2 }).waitFor();

    // given: the dialog, a missing starter refused before any call
    await app.getByRole("button", { name: "New email template" }).click();
    const dialog = app.getByTestId("create-template-dialog");
    await dialog.getByRole("button", { name: "Create template" }).click();
    expect(await text(dialog.getByText("Give the template a name."))).toBe("Give the template a name.");
    expect(await text(dialog.getByText("Choose a starter."))).toBe("Choose a starter.");
    expect(embedded.apiCalls.filter((call) => call.operationName === "CreateEmailTemplate")).toEqual([]);

    // when: a blank one whose subject does not compile
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await dialog.getByRole("combobox", { name: "Start from", exact: true }).click();
    await app.getByText("A blank template", { exact: true }).click();
    await dialog.getByLabel("Subject", { exact: true }).fill("Hi {{ contact.first_name");
    await dialog.getByRole("button", { name: "Create template" }).click();

    // then: the API's refusal at the subject, the dialog still open
    await expect.poll(() => embedded.apiCalls.filter((call) => call.operationName === "CreateEmailTemplate").length).toBe(1);
    await expect.poll(() => text(dialog.getByLabel("Subject", { exact: true }).locator("xpath=ancestor::*[3]"))).toContain("The template has errors");

    // when: from the order-confirmation starter instead, the kind left to it
    await dialog.getByRole("combobox", { name: "Start from", exact: true }).click();
    await app.getByText("A starter layout", { exact: true }).click();
    await dialog.getByRole("combobox", { name: "Starter", exact: true }).click();
    await app.getByRole("option", { name: "Order confirmation (Transactional)" }).click();
    await dialog.getByRole("button", { name: "Create template" }).click();

    // then: listed as transactional, in English and German, version 1 each
    await dialog.waitFor({ state: "detached" });
    const created = row(app, name);
    await created.waitFor();
    expect(await text(created.getByTestId("template-kind"))).toBe("Transactional");
    expect(await text(created.getByTestId("template-languages"))).toBe("de, en");
    expect(await text(created.getByTestId("template-latest"))).toMatch(/^en: version 1, .+de: version 1, .+$/);
    await expect.poll(() => text(created.getByTestId("template-journeys"))).toBe(`${journey} (draft only)`);
    expect(await created.getByRole("link", { name: journey }).getAttribute("href")).toMatch(/^\/dashboard\/journeys\/[^/]+$/);
    const key = await created.getAttribute("data-template-key");
    expect(key).toBe(`order-confirmation-${stamp}`);
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: `Template “${name}” created` }]);

    // when: copied under the proposed name
    await created.getByRole("button", { name: `Copy ${name}` }).click();
    const copyDialog = app.getByTestId("copy-template-dialog");
    expect(await copyDialog.getByLabel("Name", { exact: true }).inputValue()).toBe(`${name} (copy)`);
    await copyDialog.getByRole("button", { name: "Copy template" }).click();
    await copyDialog.waitFor({ state: "detached" });

    // then: the copy keeps the kind and has a key of its own
    const copy = row(app, `${name} (copy)`);
    await copy.waitFor();
    expect(await text(copy.getByTestId("template-kind"))).toBe("Transactional");
    const copyKey = await copy.getAttribute("data-template-key");
    expect(copyKey).not.toBe(key);

    // when: the copy renamed, an empty name refused first
    await copy.getByRole("button", { name: `Rename ${name} (copy)` }).click();
    const renameDialog = app.getByTestId("rename-template-dialog");
    await renameDialog.getByLabel("Name", { exact: true }).fill(" ");
    await renameDialog.getByRole("button", { name: "Save name" }).click();
    expect(await text(renameDialog.getByText("Give the template a name."))).toBe("Give the template a name.");
    await renameDialog.getByLabel("Name", { exact: true }).fill(`Receipt ${stamp}`);
    await renameDialog.getByRole("button", { name: "Save name" }).click();
    await renameDialog.waitFor({ state: "detached" });

    // then: the same key under the new name; the original is untouched
    const renamed = row(app, `Receipt ${stamp}`);
    await renamed.waitFor();
    expect(await renamed.getAttribute("data-template-key")).toBe(copyKey);
    expect(await row(app, `${name} (copy)`).count()).toBe(0);
    expect(await row(app, name).count()).toBe(1);
    await expect
      .poll(() => notifications(embedded))
      .toEqual([
        { status: "success", title: `Template “${name}” created` },
        { status: "success", title: `Copied as “${name} (copy)”` },
        { status: "success", title: `Renamed to “Receipt ${stamp}”` },
      ]);
    expect(embedded.errors).toEqual([]);
    await screenshot(page, "templates-list");
  });

  test("a template's page: latest version, preview at two widths, text part, test send", async () => {
    // given: a template from the order-confirmation starter, made through the API
    const made = await graphql<{ createEmailTemplate: { template: { id: string } } }>(
      `mutation E2ECreateTemplate($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) { template { id } } }`,
      { input: { name: `Receipt page ${stamp}`, start: { starter: "order-confirmation" } } },
    );
    const id = made.data?.createEmailTemplate.template.id as string;
    const embedded = await openApp({ path: `/templates/${encodeURIComponent(id)}` });
    const { app, page } = embedded;

    // then: the newest English version, read-only
    await app.getByRole("heading", { name: `Receipt page ${stamp}`, level: 1 }).waitFor();
    expect(await text(app.getByTestId("template-meta"))).toBe(`Key receipt-page-${stamp} · Transactional · Email`);
    expect(await text(app.getByTestId("latest-subject"))).toBe("SubjectYour order #{{ order.number }} at {{ shop.name }}");
    expect(await text(app.getByTestId("latest-preheader"))).toBe(
      "PreheaderThank you! We have received your order and will let you know when it ships.",
    );
    expect(await app.getByTestId("latest-mjml-source").textContent()).toMatch(/^<mjml/);
    expect(await app.getByTestId("version-row").count()).toBe(1);

    // and: the preview, rendered with the example, in a frame with no permissions
    const frame = app.getByTestId("preview-frame");
    await frame.waitFor();
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await frame.getAttribute("width")).toBe("600");
    expect(await frame.getAttribute("srcdoc")).toMatch(/^<!doctype html>/i);
    expect(await text(app.getByTestId("preview-subject"))).toMatch(/^Subject: Your order #\S+ at .+$/);
    expect(await app.getByTestId("preview-text").textContent()).not.toBe("");
    await app.getByRole("button", { name: "375 px" }).click();
    expect(await frame.getAttribute("width")).toBe("375");
    expect(await app.getByRole("button", { name: "375 px" }).getAttribute("aria-pressed")).toBe("true");

    // when: a test is sent, a bad address refused first with no call
    const to = app.getByLabel("Send to", { exact: true });
    await to.fill("ada");
    await app.getByTestId("send-test-submit").click();
    expect(await text(app.getByText("This is not an email address."))).toBe("This is not an email address.");
    expect(embedded.apiCalls.filter((call) => call.operationName === "SendTemplateTestEmail")).toEqual([]);
    await to.fill("ada@shop.test");
    await app.getByTestId("send-test-submit").click();

    // then
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Test sent to ada@shop.test" }]);
    expect(embedded.errors).toEqual([]);
    await screenshot(page, "template-page");
    await app.getByRole("heading", { level: 1 }).scrollIntoViewIfNeeded();
    await screenshot(page, "template-page-top");
  });

  test("editing a new version: errors by line and column, preview and test of the unsaved content, save", async () => {
    // given
    const made = await graphql<{ createEmailTemplate: { template: { id: string } } }>(
      `mutation E2ECreateEditedTemplate($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) { template { id } } }`,
      { input: { name: `Edited ${stamp}`, start: { starter: "order-confirmation" } } },
    );
    const id = made.data?.createEmailTemplate.template.id as string;
    const embedded = await openApp({ path: `/templates/${encodeURIComponent(id)}` });
    const { app, page } = embedded;
    await app.getByRole("button", { name: "Edit as a new version" }).click();
    const editor = app.getByTestId("template-editor");
    const state = editor.getByTestId("editor-state");
    expect(await text(state)).toBe("No changes yet.");
    expect(await editor.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);

    // when: a tag MJML does not have, on a line of its own
    const mjml = editor.getByRole("textbox", { name: "MJML" });
    const source = await mjml.inputValue();
    const lines = source.split("\n");
    const at = lines.findIndex((line) => line.includes("<mj-column")) + 1;
    await mjml.fill([...lines.slice(0, at), "<mj-bogus>x</mj-bogus>", ...lines.slice(at)].join("\n"));

    // then: the error by line and column; nothing can be saved
    await expect.poll(() => text(state)).toBe("Fix these errors to save:");
    expect(await text(editor.getByTestId("editor-errors"))).toMatch(new RegExp(`^MJML, line ${at + 1}, column 1: <mj-bogus> is not an MJML tag`));
    expect(await editor.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);
    await expect.poll(() => text(app.getByTestId("preview-none"))).toBe("Nothing to preview until these errors are fixed.");
    await editor.getByTestId("editor-errors").scrollIntoViewIfNeeded();
    await screenshot(page, "template-editor-errors");

    // when: the MJML put back and the subject changed
    await mjml.fill(source);
    await editor.getByRole("textbox", { name: "Subject" }).fill("Thanks for order #{{ order.number }}");

    // then: previewed unsaved, ready to save
    await expect.poll(() => text(state)).toBe("No errors: ready to save.");
    await expect.poll(() => text(app.getByTestId("preview-subject"))).toBe("Subject: Thanks for order #10482");
    expect(await app.getByTestId("preview-frame").getAttribute("sandbox")).toBe("");

    // and: a test of the unsaved content
    await app.getByLabel("Send to", { exact: true }).fill("ada@shop.test");
    await app.getByTestId("send-test-submit").click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: "Test sent to ada@shop.test" }]);

    // and: leaving asks first
    await editor.getByRole("button", { name: "Discard changes" }).click();
    const confirm = app.getByRole("alertdialog", { name: "Discard your changes?" });
    await confirm.waitFor();
    await screenshot(page, "template-editor-discard");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    await screenshot(page, "template-editor");

    // when: saved
    await editor.getByRole("button", { name: "Save as new version" }).click();

    // then: version 2 is the newest
    await app.getByTestId("latest-version").waitFor();
    await expect
      .poll(() => notifications(embedded))
      .toEqual([
        { status: "success", title: "Test sent to ada@shop.test" },
        { status: "success", title: "Saved as version 2 (en)" },
      ]);
    await expect.poll(() => text(app.getByTestId("latest-subject"))).toBe("SubjectThanks for order #{{ order.number }}");
    expect(await app.getByTestId("version-row").count()).toBe(2);
    expect(embedded.errors).toEqual([]);
  });
});
