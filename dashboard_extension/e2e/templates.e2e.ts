// The templates list against the real app: an email template created from the
// order-confirmation starter is listed as transactional, copied, and the copy renamed (its key
// stays). Names carry a stamp: the test files share the app's database.
import type { FrameLocator } from "playwright-core";
import { describe, expect, test } from "vitest";

import { e2e, type Embedded, eventually, graphql, openApp, saleorUserId, screenshot, seedCustomer, useBrowser } from "./harness";

useBrowser();

const stamp = Date.now().toString(36);

const notifications = async ({ host }: Embedded) =>
  (await host.actions("notification")).map(({ payload }) => ({ status: payload.status, title: payload.title }));

const row = (app: FrameLocator, name: string) =>
  app.getByTestId("template-row").filter({ has: app.getByRole("link", { name, exact: true }) });

/** What the loopback SMTP server behind the app received for an address. */
const mailTo = async (to: string): Promise<{ to: string[]; subject: string; text: string }[]> =>
  (await fetch(`${e2e().dashboardOrigin}/__e2e/mail?to=${encodeURIComponent(to)}`)).json();

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

  test("editing a new version in CodeMirror: a lint marker at the error's line, preview at both widths and for a contact, test of the unsaved content in the SMTP server, save", async () => {
    // given: a template from the order-confirmation starter, and a contact to preview it for
    const made = await graphql<{ createEmailTemplate: { template: { id: string; versions: { language: string; mjml: string }[] } } }>(
      `mutation E2ECreateEditedTemplate($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) { template { id versions { language mjml } } } }`,
      { input: { name: `Edited ${stamp}`, start: { starter: "order-confirmation" } } },
    );
    const id = made.data?.createEmailTemplate.template.id as string;
    const source = made.data?.createEmailTemplate.template.versions.find((version) => version.language === "en")?.mjml as string;
    expect(source).toMatch(/^<mjml/);
    const grace = await seedCustomer({ userId: saleorUserId(9100 + (Date.now() % 800)), email: `grace-${stamp}@shop.test`, firstName: "Grace", lastName: "Hopper" });
    const embedded = await openApp({ path: `/templates/${encodeURIComponent(id)}` });
    const { app, page } = embedded;
    await app.getByRole("button", { name: "Edit as a new version" }).click();
    const editor = app.getByTestId("template-editor");
    const state = editor.getByTestId("editor-state");
    expect(await text(state)).toBe("No changes yet.");
    expect(await editor.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);

    // then: the MJML in CodeMirror, labelled, holding the saved source
    const mjml = editor.getByRole("textbox", { name: "MJML" });
    expect(await mjml.getAttribute("class")).toContain("cm-content");
    expect(await editor.locator(".cm-editor").count()).toBe(1);

    // when: a tag MJML does not have typed on a line of its own after the first <mj-column>
    const lines = source.split("\n");
    const at = lines.findIndex((line) => line.includes("<mj-column")) + 1;
    await mjml.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText([...lines.slice(0, at), "<mj-bogus>x</mj-bogus>", ...lines.slice(at)].join("\n"));

    // then: the error by line and column, marked in the editor on that very line; nothing can be saved
    await expect.poll(() => text(state)).toBe("Fix these errors to save:");
    expect(await text(editor.getByTestId("editor-errors"))).toMatch(new RegExp(`^MJML, line ${at + 1}, column 1: <mj-bogus> is not an MJML tag`));
    const range = editor.locator(".cm-lintRange-error");
    await expect.poll(() => range.count()).toBe(1);
    expect(await range.textContent()).toBe("<mj-bogus>");
    await range.scrollIntoViewIfNeeded();
    const lineNumber = editor.locator(".cm-lineNumbers .cm-gutterElement").filter({ hasText: new RegExp(`^${at + 1}$`) });
    const gutterMarker = editor.locator(".cm-gutter-lint .cm-lint-marker-error");
    expect(await gutterMarker.count()).toBe(1);
    const [rangeBox, numberBox, markerBox] = await Promise.all([range.boundingBox(), lineNumber.boundingBox(), gutterMarker.boundingBox()]);
    const middle = (box: { y: number; height: number } | null) => (box ? box.y + box.height / 2 : NaN);
    expect(Math.abs(middle(rangeBox) - middle(numberBox))).toBeLessThan(4);
    expect(Math.abs(middle(markerBox) - middle(numberBox))).toBeLessThan(4);
    expect(await editor.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);
    await expect.poll(() => text(app.getByTestId("preview-none"))).toBe("Nothing to preview until these errors are fixed.");
    // and: "Show line" beside the listed error selects the tag in the editor
    await page.keyboard.press("ControlOrMeta+Home");
    await editor.getByRole("button", { name: `Show line ${at + 1}` }).click();
    await expect
      .poll(() => mjml.evaluate((node) => node.ownerDocument.activeElement === node && node.ownerDocument.getSelection()?.toString()))
      .toBe("<mj-bogus>");
    await screenshot(page, "template-editor-show-line");
    await range.hover();
    await app.locator(".cm-tooltip-lint").waitFor();
    expect(await text(app.locator(".cm-tooltip-lint"))).toContain("<mj-bogus> is not an MJML tag");
    await screenshot(page, "template-editor-errors");

    // when: the MJML put back and the subject changed
    await mjml.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(source);
    await editor.getByRole("textbox", { name: "Subject" }).fill("Thanks, {{ contact.first_name }}, for order #{{ order.number }}");

    // then: no marker left, previewed unsaved with the example at 600 and 375 px, ready to save
    await expect.poll(() => text(state)).toBe("No errors: ready to save.");
    expect(await range.count()).toBe(0);
    await expect.poll(() => text(app.getByTestId("preview-subject"))).toBe("Subject: Thanks, Ada, for order #10482");
    const frame = app.getByTestId("preview-frame");
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await frame.getAttribute("width")).toBe("600");
    await frame.scrollIntoViewIfNeeded();
    await screenshot(page, "template-editor-preview-600");
    await app.getByRole("button", { name: "375 px" }).click();
    expect(await frame.getAttribute("width")).toBe("375");
    await screenshot(page, "template-editor-preview-375");

    // and: rendered for a real contact found by search
    await app.getByLabel("Render for a contact", { exact: true }).fill(`grace-${stamp}`);
    await app.getByRole("button", { name: `Render for Grace Hopper <${grace.email}>` }).click();
    expect(await text(app.getByTestId("preview-contact-chosen"))).toBe(`Rendered for Grace Hopper <${grace.email}>`);
    await expect.poll(() => text(app.getByTestId("preview-subject"))).toBe("Subject: Thanks, Grace, for order #");
    await app.getByRole("button", { name: "Use the example instead" }).click();
    await expect.poll(() => text(app.getByTestId("preview-subject"))).toBe("Subject: Thanks, Ada, for order #10482");

    // and: a test of the unsaved content, found in the loopback SMTP server
    const to = `test-${stamp}@shop.test`;
    await app.getByLabel("Send to", { exact: true }).fill(to);
    await app.getByTestId("send-test-submit").click();
    await expect.poll(() => notifications(embedded)).toEqual([{ status: "success", title: `Test sent to ${to}` }]);
    const [mail] = await eventually(async () => {
      const received = await mailTo(to);
      return received.length > 0 ? received : null;
    });
    expect(mail?.to).toEqual([to]);
    expect(mail?.subject).toContain("Thanks, Ada, for order #10482");

    // and: leaving asks first
    await editor.getByRole("button", { name: "Discard changes" }).click();
    const confirm = app.getByRole("alertdialog", { name: "Discard your changes?" });
    await confirm.waitFor();
    await screenshot(page, "template-editor-discard");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    await editor.scrollIntoViewIfNeeded();
    await screenshot(page, "template-editor");

    // when: saved
    await editor.getByRole("button", { name: "Save as new version" }).click();

    // then: version 2 is the newest
    await app.getByTestId("latest-version").waitFor();
    await expect
      .poll(() => notifications(embedded))
      .toEqual([
        { status: "success", title: `Test sent to ${to}` },
        { status: "success", title: "Saved as version 2 (en)" },
      ]);
    await expect.poll(() => text(app.getByTestId("latest-subject"))).toBe("SubjectThanks, {{ contact.first_name }}, for order #{{ order.number }}");
    expect(await app.getByTestId("version-row").count()).toBe(2);

    // when: a language added, one it has refused first
    await app.getByRole("button", { name: "Add a language" }).click();
    const code = app.getByLabel("Language code", { exact: true });
    await code.fill("de");
    await app.getByRole("button", { name: "Start writing" }).click();
    expect(await text(app.getByText("The template has this language already."))).toBe("The template has this language already.");
    await code.fill("fr");
    await app.getByRole("button", { name: "Start writing" }).click();

    // then: its first version starts from the English one, and is saved in French
    const french = app.getByTestId("template-editor");
    expect(await text(french.getByRole("heading", { level: 2 }))).toBe("First version in fr, from version 2 (en)");
    await french.getByRole("textbox", { name: "Subject" }).fill("Merci, {{ contact.first_name }} !");
    await expect.poll(() => text(french.getByTestId("editor-state"))).toBe("No errors: ready to save.");
    await french.getByRole("button", { name: "Save as new version" }).click();
    await app.getByTestId("latest-version").waitFor();
    await expect.poll(() => notifications(embedded)).toContainEqual({ status: "success", title: "Saved as version 1 (fr)" });
    // (the page asks for the French version at once, shown as the templates' refetch brings it)
    await expect.poll(() => text(app.getByTestId("latest-version").getByRole("heading", { level: 2 }))).toMatch(/^Version 1 \(fr\), /);
    expect(await text(app.getByTestId("latest-subject"))).toBe("SubjectMerci, {{ contact.first_name }} !");
    expect(await app.getByTestId("version-row").count()).toBe(1);
    expect(embedded.errors).toEqual([]);
  });

  test("the MJML editor in the Dashboard's dark theme, in German", async () => {
    const made = await graphql<{ createEmailTemplate: { template: { id: string } } }>(
      `mutation E2ECreateDarkTemplate($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) { template { id } } }`,
      { input: { name: `Dark ${stamp}`, start: { starter: "order-confirmation" } } },
    );
    const id = made.data?.createEmailTemplate.template.id as string;
    const embedded = await openApp({ path: `/templates/${encodeURIComponent(id)}`, theme: "dark", locale: "de" });
    const { app, page } = embedded;
    await app.getByRole("button", { name: "Als neue Version bearbeiten" }).click();
    const editor = app.getByTestId("template-editor");
    const cm = editor.locator(".cm-editor");
    await cm.waitFor();

    // then: the editor's colours are macaw-ui's dark tokens, as the fields around it
    const colours = await cm.evaluate((node) => {
      const probe = node.ownerDocument.createElement("div");
      probe.style.backgroundColor = "var(--mu-colors-background-default1)";
      probe.style.color = "var(--mu-colors-text-default1)";
      node.ownerDocument.body.append(probe);
      const expected = getComputedStyle(probe);
      const actual = getComputedStyle(node);
      const result = { background: actual.backgroundColor, text: actual.color, tokenBackground: expected.backgroundColor, tokenText: expected.color };
      probe.remove();
      return result;
    });
    expect(colours.background).toBe(colours.tokenBackground);
    expect(colours.text).toBe(colours.tokenText);
    expect(colours.background).not.toBe("rgb(255, 255, 255)");
    expect(await editor.getByRole("textbox", { name: "MJML" }).textContent()).toMatch(/^<mjml/);
    expect(await text(editor.getByRole("heading", { level: 2 }))).toBe("Neue Version aus Version 1 (en)");
    await screenshot(page, "template-editor-dark-de");

    // and: Tab indents inside it, Escape then Tab leaves it (no keyboard trap)
    const mjml = editor.getByRole("textbox", { name: "MJML" });
    const focused = () => mjml.evaluate((node) => node.ownerDocument.activeElement === node);
    expect(await mjml.getAttribute("aria-describedby")).not.toBeNull();
    await mjml.click();
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(false);
    expect(embedded.errors).toEqual([]);
  });

  test("an SMS version with its segments counted, a push version checked and saved", async () => {
    // given: an empty SMS template and an empty push template
    const channelTemplate = async (channel: string, key: string, name: string) => {
      const made = await graphql<{ createChannelTemplate: { template: { id: string } } }>(
        `mutation E2EChannelTemplate($channel: MessageChannel!, $key: String!, $name: String!) { createChannelTemplate(channel: $channel, key: $key, name: $name) { template { id } } }`,
        { channel, key, name },
      );
      expect(made.errors).toBeUndefined();
      return made.data?.createChannelTemplate.template.id as string;
    };
    const pushId = await channelTemplate("PUSH", `stock-push-${stamp}`, `Back in stock ${stamp}`);

    // when: an SMS template made on the list, under the push template's key first
    const embedded = await openApp({ path: "/templates" });
    const { app, page } = embedded;
    await app.getByRole("button", { name: "New SMS template" }).click();
    const dialog = app.getByTestId("create-channel-template-dialog");
    await dialog.getByLabel("Name", { exact: true }).fill(`Cart SMS ${stamp}`);
    expect(await dialog.getByLabel("Key", { exact: true }).inputValue()).toBe(`cart-sms-${stamp}`);
    await dialog.getByLabel("Key", { exact: true }).fill(`stock-push-${stamp}`);
    await dialog.getByRole("button", { name: "Create template" }).click();

    // then: refused at the key; with its own key it is made and its page opens
    await expect.poll(() => text(dialog.getByText("A template with this key exists"))).toBe("A template with this key exists");
    await screenshot(page, "template-sms-create");
    await dialog.getByLabel("Key", { exact: true }).fill(`cart-sms-${stamp}`);
    await dialog.getByRole("button", { name: "Create template" }).click();
    await app.getByRole("heading", { name: `Cart SMS ${stamp}`, level: 1 }).waitFor();
    expect(await text(app.getByTestId("template-meta"))).toBe(`Key cart-sms-${stamp} · Marketing · SMS`);

    // when: the SMS's first version is written
    await app.getByRole("button", { name: "Write the first version" }).click();
    const editor = app.getByTestId("text-editor");
    const smsText = editor.getByRole("textbox", { name: "Text" });
    const counter = editor.getByTestId("sms-segments");

    // then: a GSM-7 text (braces and € count twice) in two segments, a UCS-2 text in one
    await smsText.fill(`${"Your cart is waiting: ".repeat(7)}{{ shop.url }}`);
    await expect.poll(() => text(counter)).toBe("GSM-7: 172 characters, 2 segments (153 characters each)");
    await screenshot(page, "template-sms-gsm7");
    await smsText.fill("Привет! 20% скидка 😀");
    await expect.poll(() => text(counter)).toBe("UCS-2: 21 characters, 1 segment (70 characters each)");
    await smsText.fill("Sale: 5€ off {{ contact.first_name");
    await expect.poll(() => text(editor.getByText(/^Line 1: unexpected end of template/))).toMatch(/^Line 1: unexpected end of template/);
    expect(await text(app.getByTestId("text-preview-none"))).toBe("Nothing to preview until these errors are fixed.");
    await screenshot(page, "template-sms-error");
    await smsText.fill("Sale: 5€ off {{ contact.first_name }}");
    await expect.poll(() => text(counter)).toBe("GSM-7: 42 characters, 1 segment (160 characters each)");
    await expect.poll(() => text(app.getByTestId("text-preview-text"))).toBe("Sale: 5€ off Ada");
    await expect.poll(() => text(app.getByTestId("sms-segments-rendered"))).toBe("As the example contact gets it, links shortened: GSM-7: 17 characters, 1 segment (160 characters each)");
    await screenshot(page, "template-sms");

    // when: saved
    await editor.getByRole("button", { name: "Save as new version" }).click();

    // then
    await app.getByTestId("latest-version").waitFor();
    expect(await text(app.getByTestId("latest-text-body"))).toBe("Sale: 5€ off {{ contact.first_name }}");
    await expect
      .poll(() => notifications(embedded))
      .toEqual([
        { status: "success", title: `Template “Cart SMS ${stamp}” created` },
        { status: "success", title: "Saved as version 1 (en)" },
      ]);

    // when: the push template's first version, with a title left out and a relative link
    await page.goto(page.url().replace(/\/templates\/[^/?#]+/, `/templates/${encodeURIComponent(pushId)}`));
    await app.getByRole("button", { name: "Write the first version" }).click();
    const push = app.getByTestId("text-editor");
    await push.getByRole("textbox", { name: "Text" }).fill("{{ contact.first_name }}, your size is back.");
    await push.getByRole("textbox", { name: "Link" }).fill("shop.test/sale");
    await push.getByRole("button", { name: "Save as new version" }).click();

    // then: refused at the fields, no call made
    expect(await text(push.getByText("A notification needs a title."))).toBe("A notification needs a title.");
    expect(await text(push.getByText("Give an absolute link (https://…) or one that starts with a variable ({{ … }})."))).not.toBe("");
    expect(embedded.apiCalls.filter((call) => call.operationName === "CreateChannelTemplateVersion").length).toBe(1);
    await screenshot(page, "template-push-errors");

    // when: fixed, previewed for the example, and saved
    await push.getByRole("textbox", { name: "Title" }).fill("Back in stock");
    await push.getByRole("textbox", { name: "Link" }).fill("https://shop.test/sale");
    await expect.poll(() => text(app.getByTestId("text-preview-title"))).toBe("Back in stock");
    expect(await text(app.getByTestId("text-preview-text"))).toBe("Ada, your size is back.");
    expect(await text(app.getByTestId("text-preview-url"))).toBe("Opens https://shop.test/sale");
    await screenshot(page, "template-push-preview");
    await push.getByRole("button", { name: "Save as new version" }).click();

    // then: version 1 with its title, text and link
    await app.getByTestId("latest-version").waitFor();
    expect(await text(app.getByTestId("latest-title"))).toBe("TitleBack in stock");
    expect(await text(app.getByTestId("latest-text-body"))).toBe("{{ contact.first_name }}, your size is back.");
    expect(await text(app.getByTestId("latest-url"))).toBe("Linkhttps://shop.test/sale");
    expect(embedded.apiCalls.filter((call) => call.operationName === "CreateChannelTemplateVersion").length).toBe(2);
    await screenshot(page, "template-push");
    expect(embedded.errors).toEqual([]);
  });
});
