// Global setup of the browser tests: one build, one app server, one browser for every test file.
//
// - The build: E2E_DIST names one already made (`make test-browser` passes dist/, which `make`
//   has just built), copied to a temporary directory; otherwise `vite build` into one. Either way
//   the run tests one build, undisturbed by another `npm run build` replacing dist/ meanwhile.
// - The app: tests/support/e2e_server.py (the app under `mautomation serve` on a fresh embedded
//   database, a stand-in Saleor, the stand-in Dashboard on another origin), with E2E_PYTHON or
//   ../.venv/bin/python. It stops when its stdin closes, so it never outlives this process.
// - Screenshots and the app's log (app.log): e2e/screenshots/, never emptied here (another run
//   in the same tree may be writing there); each test's files are overwritten by its next run.
// - The browser: Debian's Chromium (E2E_CHROMIUM, /usr/bin/chromium by default), headless, as a
//   Playwright browser server that every test file connects to.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

import { type BrowserServer, chromium } from "playwright-core";
import type { TestProject } from "vitest/node";

import type { E2EContext } from "./harness";

const EXTENSION_DIR = fileURLToPath(new URL("..", import.meta.url));
const REPO_DIR = resolve(EXTENSION_DIR, "..");
export const SCREENSHOTS_DIR = join(EXTENSION_DIR, "e2e", "screenshots");
/** The app's output (web, worker, scheduler) of the last run, beside the screenshots. */
const APP_LOG = join(SCREENSHOTS_DIR, "app.log");

const run = (command: string, args: string[], cwd: string): Promise<void> =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });

/** Every file dist/index.html names exists (a build replacing dist/ meanwhile would break this). */
const complete = (dist: string): boolean =>
  [...readFileSync(join(dist, "index.html"), "utf8").matchAll(/(?:src|href)="\/dashboard\/(assets\/[^"]+)"/g)].every(
    ([, asset]) => existsSync(join(dist, asset!)),
  );

const build = async (): Promise<string> => {
  const dist = mkdtempSync(join(tmpdir(), "mautomation-e2e-dist-"));
  const given = process.env.E2E_DIST;
  if (!given) {
    await run(join(EXTENSION_DIR, "node_modules", ".bin", "vite"), ["build", "--outDir", dist, "--emptyOutDir", "--logLevel", "warn"], EXTENSION_DIR);
    return dist;
  }
  // A copy: the app serves it for the whole run, whatever rebuilds the given folder meanwhile.
  const source = resolve(EXTENSION_DIR, given);
  if (!existsSync(join(source, "index.html"))) {
    throw new Error(`E2E_DIST=${given}: ${source}/index.html is missing`);
  }
  cpSync(source, dist, { recursive: true });
  if (!complete(dist)) {
    throw new Error(`E2E_DIST=${given}: ${source} changed while it was copied (another build?); run again`);
  }
  return dist;
};

const startApp = (dist: string): Promise<{ child: ChildProcess; info: Omit<E2EContext, "wsEndpoint" | "screenshotsDir"> }> =>
  new Promise((done, fail) => {
    const python = process.env.E2E_PYTHON ?? join(REPO_DIR, ".venv", "bin", "python");
    const child = spawn(python, ["-m", "tests.support.e2e_server"], {
      cwd: REPO_DIR,
      env: { ...process.env, DASHBOARD_DIST: dist, E2E_APP_LOG: APP_LOG },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout! });
    child.on("error", fail);
    child.on("exit", (code) => fail(new Error(`tests.support.e2e_server exited with ${code} before it was ready`)));
    lines.once("line", (line) => {
      child.removeAllListeners("exit");
      done({ child, info: JSON.parse(line) });
    });
  });

const stopApp = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null) {
      done();
      return;
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.stdin?.end();
    child.kill("SIGTERM");
  });

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dist = await build();
  let app: ChildProcess | undefined;
  let browser: BrowserServer | undefined;
  const teardown = async () => {
    await browser?.close();
    if (app) await stopApp(app);
    rmSync(dist, { recursive: true, force: true });
  };
  try {
    const started = await startApp(dist);
    app = started.child;
    browser = await chromium.launchServer({
      executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
    });
    project.provide("e2e", { ...started.info, wsEndpoint: browser.wsEndpoint(), screenshotsDir: SCREENSHOTS_DIR });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
