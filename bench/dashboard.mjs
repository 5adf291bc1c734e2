#!/usr/bin/env node
// The Dashboard front end in headless Chromium (Debian's /usr/bin/chromium, playwright-core):
//
// - the JavaScript each route loads, gzipped (every .js response of the app's origin, compressed
//   here with gzip -6, whatever the server sent), per route, in a fresh browser context each;
// - the editor's time to interactive with a 100-node journey: from the app frame's navigation
//   start until its 101 nodes (100 and the entry) are drawn, and until a click on one has opened
//   its form (performance.now() inside the frame);
// - the median frame time while dragging a node of that journey: one synthetic mouse move per
//   animation frame (the drag xyflow sees), Chromium with vsync and its frame-rate limit off, so
//   a frame's interval is what the frame cost rather than the 60 Hz cadence;
// - the segment editor over BENCH_SCALE x 1,000,000 contacts (written in bulk by
//   tests/support/e2e_segments_seed.py into the app's database): the time from a change of a
//   condition's value (the input event inside the frame) until the live count shows the new
//   rules' exact count, the editor's 250 ms debounce included, for seven values in a row; and
//   the segmentPreview call alone (the API's share), timed from here.
//
// The app runs as the browser tests run it (tests/support/e2e_server.py: the app under
// `mautomation serve` on a fresh embedded database, a stand-in Saleor, the stand-in Dashboard on
// another origin). BENCH_DIST names a build to use; otherwise one is made into a temporary
// directory. Targets: first route < 250 kB gzipped, editor interactive < 1.5 s, median frame
// < 16 ms, segment count < 500 ms. The last line printed is one JSON object with the figures
// (with the machine's load averages at the start and the end).
//
//   node bench/dashboard.mjs
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));
const EXTENSION = join(REPO, "dashboard_extension");
const require = createRequire(join(EXTENSION, "package.json"));
const { chromium } = require("playwright-core");

const TARGETS = { firstRouteGzipKb: 250, editorInteractiveMs: 1500, medianFrameMs: 16, segmentCountMs: 500 };
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const SEGMENT_CONTACTS = Math.max(1000, Math.round(1_000_000 * SCALE));
// The bulk contacts' countries: the n-th lives in COUNTRIES[n % 8] and is female when
// floor(n / 8) % 3 is 0 (tests/support/e2e_segments_seed.py's seed_bulk).
const COUNTRIES = ["DE", "AT", "CH", "US", "FR", "GB", "PL", "IT"];
const NODES = 100;
const DRAG_FRAMES = 180;

const log = (...args) => console.error("[bench]", ...args);

const run = (command, args, cwd) =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`${command} exited with ${code}`))));
  });

const build = async () => {
  if (process.env.BENCH_DIST) {
    const dist = resolve(process.env.BENCH_DIST);
    if (!existsSync(join(dist, "index.html"))) throw new Error(`${dist}/index.html is missing`);
    return { dist, temporary: false };
  }
  const dist = mkdtempSync(join(tmpdir(), "mautomation-bench-dist-"));
  await run(join(EXTENSION, "node_modules", ".bin", "vite"), ["build", "--outDir", dist, "--emptyOutDir", "--logLevel", "warn"], EXTENSION);
  return { dist, temporary: true };
};

const startApp = (dist) =>
  new Promise((done, fail) => {
    const python = process.env.BENCH_PYTHON ?? join(REPO, ".venv", "bin", "python");
    const child = spawn(python, ["-m", "tests.support.e2e_server"], {
      cwd: REPO,
      env: { ...process.env, DASHBOARD_DIST: dist },
      stdio: ["pipe", "pipe", "inherit"],
    });
    child.on("error", fail);
    child.on("exit", (code) => fail(new Error(`e2e_server exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      child.removeAllListeners("exit");
      done({ child, info: JSON.parse(line) });
    });
  });

const stopApp = (child) =>
  new Promise((done) => {
    if (child.exitCode !== null) return done();
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.stdin.end();
    child.kill("SIGTERM");
  });

const graphql = async (info, query, variables = {}) => {
  const response = await fetch(`${info.appOrigin}/graphql/`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Authorization-Bearer": info.token, "Saleor-Api-Url": info.saleorApiUrl },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

/** 100 nodes: sends and waits in a chain with a condition every tenth step, on a 10-column grid. */
const hundredNodes = () => {
  const ids = Array.from({ length: NODES }, (_, i) => `n${i + 1}`);
  const nodes = {};
  ids.forEach((id, i) => {
    const next = ids[i + 1];
    if (!next) nodes[id] = { type: "exit" };
    else if (i % 10 === 9) nodes[id] = { type: "condition", condition: { type: "order" }, yes: next, no: ids[NODES - 1] };
    else if (i % 2 === 0) nodes[id] = { type: "send_email", template: "welcome-1", at_best_hour: false, next };
    else nodes[id] = { type: "wait", duration: { days: 1 }, next };
  });
  const layout = { entry: { x: 0, y: -160 } };
  ids.forEach((id, i) => (layout[id] = { x: (i % 10) * 280, y: Math.floor(i / 10) * 160 }));
  return { definition: { entry: { type: "manual" }, start: ids[0], nodes }, layout };
};

const hostUrl = (info, path) =>
  `${info.dashboardOrigin}/dashboard/extensions/app/${encodeURIComponent(info.appId)}${path === "/" ? "" : path}#token=valid&theme=light&locale=en`;

const openPage = async (browser, url) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  return { context, page };
};

const routeJs = async (browser, info, name, url) => {
  const { context, page } = await openPage(browser);
  const scripts = new Map();
  page.on("response", async (response) => {
    const address = response.url();
    if (!address.startsWith(info.appOrigin) || !/\.m?js(\?|$)/.test(address)) return;
    scripts.set(address, response.body().then((body) => ({ raw: body.length, gzip: gzipSync(body, { level: 6 }).length })));
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(500);
  const sizes = await Promise.all(scripts.values());
  await context.close();
  const sum = (key) => sizes.reduce((total, size) => total + size[key], 0);
  return { route: name, files: sizes.length, kB: +(sum("raw") / 1024).toFixed(1), gzipKB: +(sum("gzip") / 1024).toFixed(1) };
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

const editorInteractive = async (browser, info, journeyId) => {
  const { context, page } = await openPage(browser);
  await page.goto(hostUrl(info, `/journeys/${journeyId}`));
  const frame = page.frameLocator("#app-frame");
  await frame.locator(".react-flow__node").nth(NODES).waitFor({ state: "attached", timeout: 30_000 });
  const appFrame = page.frames().find((f) => f.url().startsWith(info.appOrigin));
  const handle = await appFrame.waitForFunction(
    (count) => {
      const nodes = [...document.querySelectorAll(".react-flow__node")];
      const drawn = nodes.filter((n) => n.style.visibility !== "hidden").length;
      return drawn === count ? performance.now() : false;
    },
    NODES + 1,
    { polling: "raf", timeout: 30_000 },
  );
  const drawnMs = await handle.jsonValue();
  await frame.locator('.react-flow__node[data-id="n1"]').click();
  await frame.getByTestId("node-form-send_email").waitFor();
  const interactiveMs = await appFrame.evaluate(() => performance.now());
  return { page, context, frame, drawnMs: Math.round(drawnMs), interactiveMs: Math.round(interactiveMs) };
};

const dragFrames = async (page) => {
  const appFrame = page.frames().find((f) => f !== page.mainFrame());
  return appFrame.evaluate(
    (frames) =>
      new Promise((done) => {
        const node = document.querySelector('.react-flow__node[data-id="n12"]');
        const box = node.getBoundingClientRect();
        const start = { x: box.left + 30, y: box.top + 12 };
        const before = node.style.transform;
        const fire = (type, target, x, y) =>
          target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0, buttons: type === "mouseup" ? 0 : 1 }));
        fire("mousedown", node, start.x, start.y);
        const times = [];
        let i = 0;
        const step = (now) => {
          times.push(now);
          i += 1;
          if (i > frames) {
            fire("mouseup", window, start.x + frames * 2, start.y + frames);
            const deltas = times.slice(2).map((t, k) => t - times[k + 1]);
            setTimeout(() => done({ deltas, moved: node.style.transform !== before, before, after: node.style.transform }), 100);
            return;
          }
          fire("mousemove", window, start.x + i * 2, start.y + i);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    DRAG_FRAMES,
  );
};

/** Contacts of the bulk seed in `country` and female: the count the editor must show. */
const expectedCount = (country, contacts) => {
  const k = COUNTRIES.indexOf(country);
  let count = 0;
  for (let n = 1; n <= contacts; n += 1) if (n % 8 === k && Math.floor(n / 8) % 3 === 0) count += 1;
  return count;
};

const seedSegment = async (info) => {
  const response = await fetch(`${info.dashboardOrigin}/__e2e/seed/segments`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stamp: `bench${Date.now().toString(36)}`, bulk: SEGMENT_CONTACTS }),
  });
  if (!response.ok) throw new Error(`Seeding ${SEGMENT_CONTACTS} contacts failed: ${await response.text()}`);
  return (await response.json()).segment.id;
};

const PREVIEW = `query BenchPreview($definition: GenericScalar!) { segmentPreview(definition: $definition, sampleSize: 5) { count errors { field } } }`;
const benchDefinition = (country) => ({
  version: 1,
  root: {
    type: "and",
    conditions: [
      { type: "profile", field: "country", op: "eq", value: country },
      { type: "profile", field: "gender", op: "eq", value: "female" },
    ],
  },
});

/** The editor of the bench segment: each change of the country until its exact count shows. */
const segmentEditor = async (browser, info, segmentId) => {
  const { context, page } = await openPage(browser);
  await page.goto(hostUrl(info, `/segments/${encodeURIComponent(segmentId)}`));
  const frame = page.frameLocator("#app-frame");
  const count = frame.getByTestId("segment-preview-count");
  const shows = async (expected) => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const [freshness, text] = [await count.getAttribute("data-freshness").catch(() => null), await count.textContent().catch(() => "")];
      if (freshness === "current" && (text ?? "").replace(/\D/g, "") === String(expected)) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`The editor did not show ${expected}`);
  };
  await shows(expectedCount("DE", SEGMENT_CONTACTS));
  const appFrame = page.frames().find((f) => f.url().startsWith(info.appOrigin));
  await appFrame.evaluate(() => {
    window.benchChangedAt = 0;
    document.addEventListener("input", () => (window.benchChangedAt = performance.now()), true);
  });
  const value = frame.getByTestId("rule-row").nth(0).getByLabel("Value", { exact: true });
  const runs = [];
  for (const country of COUNTRIES.slice(1)) {
    await value.fill(country);
    const elapsed = await appFrame.waitForFunction(
      (expected) => {
        const shown = document.querySelector('[data-testid="segment-preview-count"]');
        const current = shown?.dataset.freshness === "current" && shown.textContent.replace(/\D/g, "") === String(expected);
        return current ? performance.now() - window.benchChangedAt : false;
      },
      expectedCount(country, SEGMENT_CONTACTS),
      { polling: "raf", timeout: 120_000 },
    );
    runs.push(Math.round(await elapsed.jsonValue()));
  }
  await context.close();
  const api = [];
  for (const country of COUNTRIES) {
    const started = performance.now();
    const data = await graphql(info, PREVIEW, { definition: benchDefinition(country) });
    api.push(Math.round(performance.now() - started));
    if (data.segmentPreview.count !== expectedCount(country, SEGMENT_CONTACTS)) throw new Error(`segmentPreview counted ${data.segmentPreview.count} in ${country}`);
  }
  return { runs, api };
};

const main = async () => {
  const loadAtStart = loadavg();
  const { dist, temporary } = await build();
  log("build", dist);
  const { child, info } = await startApp(dist);
  const browser = await chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--disable-gpu-vsync", "--disable-frame-rate-limit"],
  });
  try {
    const { definition, layout } = hundredNodes();
    const created = await graphql(info, `mutation BenchCreate($name: String!, $draft: GenericScalar) { createJourney(name: $name, draft: $draft) { journey { id } } }`, {
      name: `Bench ${Date.now()}`,
      draft: definition,
    });
    const journeyId = created.createJourney.journey.id;
    await graphql(info, `mutation BenchLayout($id: ID!, $layout: GenericScalar) { updateJourneyDraft(id: $id, layout: $layout) { journey { id } } }`, { id: journeyId, layout });

    const routes = [];
    for (const [name, path] of [
      ["overview", "/"],
      ["journeys", "/journeys"],
      ["presets", "/journeys/presets"],
      ["editor", `/journeys/${journeyId}`],
      ["segments", "/segments"],
    ]) {
      routes.push(await routeJs(browser, info, name, hostUrl(info, path)));
    }
    routes.push(await routeJs(browser, info, "customerWidget", `${info.dashboardOrigin}/dashboard/customers/${encodeURIComponent(btoa("User:1"))}#token=valid&theme=light&locale=en`));
    routes.push(await routeJs(browser, info, "privacy", `${info.appOrigin}/dashboard/privacy`));
    routes.push(await routeJs(browser, info, "support", `${info.appOrigin}/dashboard/support`));
    log("routes", JSON.stringify(routes));

    // Warm the server (first query compiles, caches): one load not measured, then three measured.
    const warm = await editorInteractive(browser, info, journeyId);
    await warm.context.close();
    const loads = [];
    for (let n = 0; n < 3; n += 1) {
      const load = await editorInteractive(browser, info, journeyId);
      loads.push(load);
      if (n < 2) await load.context.close();
    }
    const last = loads[loads.length - 1];
    const drag = await dragFrames(last.page);
    await last.context.close();
    if (!drag.moved || drag.deltas.length < DRAG_FRAMES / 2) throw new Error(`The drag did not move the node: ${JSON.stringify(drag).slice(0, 300)}`);
    log("drag", drag.before, "->", drag.after, "frames (ms):", drag.deltas.slice(0, 30).map((d) => d.toFixed(1)).join(" "));

    let started = performance.now();
    const segmentId = await seedSegment(info);
    log(`${SEGMENT_CONTACTS} contacts written in ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    const segment = await segmentEditor(browser, info, segmentId);
    log("segment editor: change to count (ms)", segment.runs.join(" "), "; segmentPreview alone (ms)", segment.api.join(" "), `(${Math.round(performance.now() - started)} ms in all)`);

    const first = routes[0];
    const result = {
      routes: Object.fromEntries(routes.map((r) => [r.route, { gzipKB: r.gzipKB, kB: r.kB, files: r.files }])),
      firstRouteGzipKB: first.gzipKB,
      editorNodes: NODES,
      editorDrawnMs: median(loads.map((l) => l.drawnMs)),
      editorInteractiveMs: median(loads.map((l) => l.interactiveMs)),
      editorInteractiveRunsMs: loads.map((l) => l.interactiveMs),
      dragFrames: drag.deltas.length,
      medianFrameMs: +median(drag.deltas).toFixed(2),
      p95FrameMs: +percentile(drag.deltas, 0.95).toFixed(2),
      segmentContacts: SEGMENT_CONTACTS,
      segmentCountMs: median(segment.runs),
      segmentCountRunsMs: segment.runs,
      segmentPreviewApiMs: median(segment.api),
      segmentDebounceMs: 250,
      loadAverage: { start: loadAtStart.map((l) => +l.toFixed(2)), end: loadavg().map((l) => +l.toFixed(2)) },
      cpus: cpus().length,
      targets: TARGETS,
      met: {
        firstRoute: first.gzipKB < TARGETS.firstRouteGzipKb,
        editorInteractive: median(loads.map((l) => l.interactiveMs)) < TARGETS.editorInteractiveMs,
        medianFrame: median(drag.deltas) < TARGETS.medianFrameMs,
        segmentCount: median(segment.runs) < TARGETS.segmentCountMs,
      },
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await stopApp(child);
    if (temporary) rmSync(dist, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
