/**
 * The browser tests' harness: the app inside a stand-in Saleor Dashboard, in headless Chromium.
 *
 * `npm run e2e` (vitest.e2e.config.ts) runs every `e2e/*.e2e.ts` once against ONE build, ONE app
 * server and ONE browser (e2e/global-setup.ts): the app under `mautomation serve` on a fresh
 * embedded database, installed by a stand-in Saleor the real way (tests/support/e2e_server.py),
 * and framed by the host page (saleor_mautomation/demo/dashboard/: the Dashboard's side of App Bridge,
 * shared with the demo's Dashboard) from ANOTHER origin, with the
 * Dashboard's iframe sandbox. The app verifies every token for real (RS256, the stand-in's JWKS).
 * Test files run one after another and share the database: seed what a test needs under names of
 * its own (a unique email, a unique journey name).
 *
 * In a test file:
 *
 *   useBrowser();                                  // top level: one connection, a context per test
 *   const { page, app, host } = await openApp({ path: "/journeys", theme: "dark", locale: "de" });
 *   await app.getByRole("heading", { name: "Journeys" }).waitFor();  // `app`: a FrameLocator
 *   await host.waitForAction("updateRouting");     // every action the app sent, answered ok
 *   await host.setTheme("dark"); await host.setLocale("de"); await host.refreshToken();
 *   await screenshot(page, "journeys");            // e2e/screenshots/<test name>--journeys.png
 *
 * - `openApp({ path, token, theme, locale })`: the app page at `/dashboard/extensions/app/<id><path>`
 *   of the stand-in Dashboard (path "/journeys" frames `<appUrl>journeys`); `token: "expired"` or
 *   "foreign" starts with a token the app refuses (401). `openWidget(customerId, ...)`: the
 *   customer page with the manifest's CUSTOMER_DETAILS_WIDGETS widget. `openDirect(url, { locale })`:
 *   an app URL opened directly in the browser, outside the Dashboard.
 * - `Embedded.host`: `actions(type?)`, `waitForAction(type, matches?)`, `events()` (posted to the
 *   app), `navigations()` (the Dashboard's reactions to redirect/updateRouting), `location()`,
 *   `frameHeight()`, `setTheme`, `setLocale`, `redirect(path)` (the "redirect" event),
 *   `refreshToken(kind)` ("tokenRefresh" with a new token). `Embedded.apiCalls`: the app's
 *   `/graphql/` calls (status, token sent, operation name). `Embedded.errors`: uncaught errors;
 *   `Embedded.console`: console messages (the browser's CSP refusals among them).
 * - `graphql(query, variables, { token })`: the app's API as the Dashboard calls it (a valid token
 *   by default; throws on errors unless `allowErrors`). `mintToken(kind)`.
 * - Seeding through Saleor's own signed deliveries: `seedCustomer({ userId, email, firstName,
 *   lastName })` (CUSTOMER_CREATED, then waits for the contact; returns it) and `seedOrder({ userId,
 *   email, total, currency, number })` (ORDER_CREATED); `activePresetJourney(key)`: a preset as a
 *   journey of its own, published. `eventually(check)` polls a condition.
 *   `saleorUserId(n)`: a Saleor user id ("User:<n>" in base64) for a customer of a test's own.
 * - `screenshot(page, name)`: every test saves the pages it visits (git-ignored folder); the pages
 *   of a failed test are saved as `<test>--failed-<n>.png`; the app's output (web, worker,
 *   scheduler) of the last run is e2e/screenshots/app.log.
 * - Saleor's own API (the stand-in's `saleorApiUrl`) answers the app's pages in the browser with
 *   the Dashboard's token and CORS: `channels` and the captured `products`.
 *
 * `npm run e2e` type-checks e2e/ first, then builds the working tree into a temporary folder (or
 * copies the build E2E_DIST names: `make test-browser` passes dist/). E2E_PYTHON and E2E_CHROMIUM
 * override ../.venv/bin/python and /usr/bin/chromium.
 *
 * As the Dashboard does, the host posts after the handshake `localeChanged`, `theme`, then
 * `redirect` with the Dashboard's WHOLE pathname (e.g. /dashboard/extensions/app/<id>/journeys:
 * saleor-dashboard's resolveAppDeepPathFromDashboardUrl never strips its prefix); an app that
 * honours redirects must ignore paths outside its own routes.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import {
  type Browser,
  type BrowserContext,
  chromium,
  type FrameLocator,
  type Page,
} from "playwright-core";
import { afterAll, afterEach, expect, inject } from "vitest";

export type E2EContext = {
  /** The manifest's appUrl, e.g. http://127.0.0.1:41234/dashboard/ */
  appUrl: string;
  appOrigin: string;
  /** The stand-in Dashboard's origin (another port than the app's). */
  dashboardOrigin: string;
  saleorApiUrl: string;
  appId: string;
  /** A valid Dashboard token (an hour long) for the test installation. */
  token: string;
  manifest: Record<string, unknown>;
  wsEndpoint: string;
  screenshotsDir: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}

export type TokenKind = "valid" | "expired" | "foreign";
export type Theme = "light" | "dark";

export type HostAction = { type: string; payload: Record<string, unknown> & { actionId: string } };
export type HostEvent = { type: string; payload: Record<string, unknown> };
export type Navigation = { path: string; how: "push" | "dashboard" | "external" | "new-tab" };
export type ApiCall = { status: number; token: string | undefined; operationName: string | undefined };

export const e2e = (): E2EContext => inject("e2e");

let connection: Promise<Browser> | undefined;
const contexts = new Set<BrowserContext>();

const browser = (): Promise<Browser> => {
  connection ??= chromium.connect(e2e().wsEndpoint);
  return connection;
};

/** Call once at the top level of a test file: every test gets its own browser context (closed
 * after it, its pages saved as `failed-<n>` screenshots when it failed), all on one connection to
 * the shared browser (closed after the file). */
export const useBrowser = (): void => {
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" || task.result?.errors?.length) {
      const pages = [...contexts].flatMap((context) => context.pages());
      for (const [n, page] of pages.entries()) {
        await screenshot(page, `failed-${n + 1}`).catch(() => undefined);
      }
    }
    await Promise.all([...contexts].map((context) => context.close()));
    contexts.clear();
  });
  afterAll(async () => {
    const open = connection;
    connection = undefined;
    await (await open)?.close();
  });
};

/** A new page in a context of its own (no state shared with other tests). */
export const newPage = async ({ locale = "en-US" }: { locale?: string } = {}): Promise<Page> => {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 860 }, locale });
  contexts.add(context);
  return context.newPage();
};

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);

/** Saves the page (the Dashboard with the app's frame) to e2e/screenshots/<test>--<name>.png. */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  const dir = e2e().screenshotsDir;
  mkdirSync(dir, { recursive: true });
  const test = expect.getState().currentTestName ?? "outside-a-test";
  const file = join(dir, `${slug(test)}--${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
};

/** The stand-in Dashboard's frame grown to the app's content (the frame is as high as the
 * window), with `below` pixels to spare, then `settleMs` for what follows its size. */
export const growFrame = async (page: Page, app: FrameLocator, below = 32, settleMs = 200): Promise<void> => {
  const height = await app.locator("body").evaluate((body) => body.scrollHeight);
  await page.evaluate((h) => {
    window.e2eHost.frame.style.height = `${h}px`;
  }, height + below);
  await page.waitForTimeout(settleMs);
};

/** The whole app page (its frame grown to its content first) saved as e2e/screenshots/<file>. */
export const saveWholePage = async (page: Page, app: FrameLocator, file: string, settleMs = 200): Promise<void> => {
  await growFrame(page, app, 32, settleMs);
  await page.screenshot({ path: join(e2e().screenshotsDir, file), fullPage: true });
};

export type Host = {
  actions(type?: string): Promise<HostAction[]>;
  waitForAction(type: string, matches?: (action: HostAction) => boolean, timeout?: number): Promise<HostAction>;
  events(type?: string): Promise<HostEvent[]>;
  navigations(): Promise<Navigation[]>;
  /** The stand-in Dashboard's own path (what a reload opens). */
  location(): Promise<string>;
  /** The app frame's height in CSS pixels (the widget follows widgetResize). */
  frameHeight(): Promise<number>;
  setTheme(theme: Theme): Promise<void>;
  setLocale(locale: string): Promise<void>;
  redirect(path: string): Promise<void>;
  refreshToken(kind?: TokenKind): Promise<string>;
};

export type Embedded = {
  page: Page;
  /** The app inside the iframe; survives reloads of the frame and of the page. */
  app: FrameLocator;
  host: Host;
  apiCalls: ApiCall[];
  errors: string[];
  /** Every console message of the page and its frames ("<type>: <text>"). */
  console: string[];
};

const hostOf = (page: Page): Host => {
  const actions = (type?: string) =>
    page.evaluate((t) => window.e2eHost.record.actions.filter((a) => !t || a.type === t), type);
  return {
    actions,
    async waitForAction(type, matches = () => true, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = (await actions(type)).find(matches);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = (await actions()).map((a) => `${a.type} ${JSON.stringify(a.payload)}`);
          throw new Error(`No matching ${type} action within ${timeout} ms; the app sent:\n${seen.join("\n")}`);
        }
        await page.waitForTimeout(100);
      }
    },
    events: (type) => page.evaluate((t) => window.e2eHost.record.events.filter((e) => !t || e.type === t), type),
    navigations: () => page.evaluate(() => window.e2eHost.record.navigations),
    location: () => page.evaluate(() => location.pathname),
    frameHeight: () => page.evaluate(() => window.e2eHost.frame.clientHeight),
    setTheme: (theme) => page.evaluate((t) => window.e2eHost.setTheme(t), theme),
    setLocale: (locale) => page.evaluate((l) => window.e2eHost.setLocale(l), locale),
    redirect: (path) => page.evaluate((p) => window.e2eHost.redirect(p), path),
    refreshToken: (kind = "valid") => page.evaluate((k) => window.e2eHost.refreshToken(k), kind),
  };
};

const watch = (page: Page): Pick<Embedded, "apiCalls" | "errors" | "console"> => {
  const apiCalls: ApiCall[] = [];
  const errors: string[] = [];
  const logged: string[] = [];
  const api = `${e2e().appOrigin}/graphql/`;
  page.on("response", (response) => {
    const request = response.request();
    if (!request.url().startsWith(api) || request.method() !== "POST") return;
    const headers = request.headers();
    let operationName: string | undefined;
    try {
      const body = request.postDataJSON() as { operationName?: string; query?: string } | null;
      operationName = body?.operationName ?? body?.query?.match(/^\s*(?:query|mutation)\s+(\w+)/)?.[1];
    } catch {
      operationName = undefined;
    }
    apiCalls.push({
      status: response.status(),
      token: headers["authorization-bearer"] ?? headers["authorization"]?.replace(/^Bearer /, ""),
      operationName,
    });
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => logged.push(`${message.type()}: ${message.text()}`));
  return { apiCalls, errors, console: logged };
};

export type OpenOptions = {
  token?: TokenKind;
  theme?: Theme;
  locale?: string;
  /** The stand-in Dashboard under another origin than the one the installation names (e.g.
   * http://localhost:<port>), to see the app refuse to be framed there. */
  dashboardOrigin?: string;
};

const hostUrl = (path: string, { token = "valid", theme = "light", locale = "en", dashboardOrigin }: OpenOptions) =>
  `${dashboardOrigin ?? e2e().dashboardOrigin}${path}#${new URLSearchParams({ token, theme, locale })}`;

const open = async (path: string, options: OpenOptions): Promise<Embedded> => {
  const page = await newPage();
  const watched = watch(page);
  await page.goto(hostUrl(path, options));
  await page.waitForFunction(() => document.documentElement.dataset.hostReady === "true");
  return { page, app: page.frameLocator("#app-frame"), host: hostOf(page), ...watched };
};

/** The app's page in the stand-in Dashboard; `path` is the app's own route ("/journeys"). */
export const openApp = ({ path = "/", ...options }: OpenOptions & { path?: string } = {}): Promise<Embedded> =>
  open(`/dashboard/extensions/app/${encodeURIComponent(e2e().appId)}${path === "/" ? "" : path}`, options);

/** Saleor's customer page with the app's customer widget for `customerId` (a Saleor user id). */
export const openWidget = (customerId: string, options: OpenOptions = {}): Promise<Embedded> =>
  open(`/dashboard/customers/${encodeURIComponent(customerId)}`, options);

/** An app URL (or path on the app's origin) opened directly, outside the Dashboard, in a browser
 * whose language is `locale` (English by default). */
export const openDirect = async (url: string, { locale = "en-US" }: { locale?: string } = {}): Promise<Page & { errors: string[] }> => {
  const page = await newPage({ locale });
  const { errors } = watch(page);
  await page.goto(new URL(url, e2e().appOrigin).href);
  return Object.assign(page, { errors });
};

/** A Dashboard token for the test installation, minted now. */
export const mintToken = async (kind: TokenKind = "valid"): Promise<string> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/token?kind=${kind}`);
  return ((await response.json()) as { token: string }).token;
};

export type GraphQLResult<T> = { status: number; data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** The app's GraphQL API as the Dashboard calls it. */
export const graphql = async <T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  { token, allowErrors = false }: { token?: string; allowErrors?: boolean } = {},
): Promise<GraphQLResult<T>> => {
  const response = await fetch(`${e2e().appOrigin}/graphql/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Authorization-Bearer": token ?? e2e().token,
      "Saleor-Api-Url": e2e().saleorApiUrl,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResult<T>;
  const result = { ...body, status: response.status };
  if (!allowErrors && (response.status !== 200 || body.errors?.length)) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return result;
};

/** Polls `check` until it returns something other than undefined, null or false. */
export const eventually = async <T>(check: () => Promise<T | undefined | null | false>, timeout = 30_000): Promise<T> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting after ${timeout} ms`);
    await new Promise((wake) => setTimeout(wake, 200));
  }
};

const seed = async (kind: string, body: Record<string, unknown>): Promise<void> => {
  const response = await fetch(`${e2e().dashboardOrigin}/__e2e/seed/${kind}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Seeding ${kind} failed: ${await response.text()}`);
};

export type SeededContact = { id: string; email: string; saleorUserId: string | null; firstName: string; lastName: string };

const CONTACT_BY_EMAIL = `
  query E2EContactByEmail($email: String!) {
    contacts(first: 5, search: $email) { edges { node { id email saleorUserId firstName lastName } } }
  }
`;

/** A Saleor customer created now (CUSTOMER_CREATED, signed by the shop's key), once the app's
 * worker has made it a contact. `userId` is the Saleor user id (a base64 "User:<n>"). */
export const seedCustomer = async (customer: {
  userId: string;
  email: string;
  firstName?: string;
  lastName?: string;
}): Promise<SeededContact> => {
  await seed("customer", customer);
  return eventually(async () => {
    const { data } = await graphql<{ contacts: { edges: { node: SeededContact }[] } }>(CONTACT_BY_EMAIL, {
      email: customer.email,
    });
    return data?.contacts.edges.map((edge) => edge.node).find((node) => node.email === customer.email);
  });
};

/** An order placed now (ORDER_CREATED); the app's worker processes it shortly after. */
export const seedOrder = (order: {
  userId?: string;
  email: string;
  orderId?: string;
  number?: string;
  total?: string;
  currency?: string;
}): Promise<void> => seed("order", order);

export type JourneySummary = { id: string; name: string; key: string; status: string; currentVersion: { number: number } | null };

/** A preset installed as a new draft (a journey of its own, whatever other tests installed) and
 * published at once: an active journey at version 1. */
export const activePresetJourney = async (key: string): Promise<JourneySummary> => {
  const fields = "id name key status currentVersion { number }";
  const installed = await graphql<{ installJourneyPreset: { journey: JourneySummary } }>(
    `mutation E2EInstallPreset($key: String!) { installJourneyPreset(key: $key, asDraft: true) { journey { ${fields} } } }`,
    { key },
  );
  const { id } = installed.data!.installJourneyPreset.journey;
  const published = await graphql<{ publishJourney: { journey: JourneySummary | null; errors: { message: string }[] } }>(
    `mutation E2EPublishPreset($id: ID!) { publishJourney(id: $id) { journey { ${fields} } errors { message } } }`,
    { id },
  );
  const { journey, errors } = published.data!.publishJourney;
  if (!journey || errors.length) throw new Error(`Publishing ${key} failed: ${JSON.stringify(errors)}`);
  return journey;
};

/** A Saleor user id as Saleor's API spells it (base64 of "User:<n>"). */
export const saleorUserId = (n: number): string => btoa(`User:${n}`);

declare global {
  interface Window {
    e2eHost: {
      record: { actions: HostAction[]; events: HostEvent[]; navigations: Navigation[] };
      frame: HTMLIFrameElement;
      token: string;
      setTheme(theme: Theme): void;
      setLocale(locale: string): void;
      redirect(path: string): void;
      refreshToken(kind: TokenKind): Promise<string>;
    };
  }
}
