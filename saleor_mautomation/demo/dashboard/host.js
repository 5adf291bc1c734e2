// The Saleor Dashboard's side of App Bridge: it frames the app (or its customer widget) as
// saleor-dashboard's AppFrame does (same sandbox, same URL parameters, same events in the same
// order) from its own origin, answers every action the app sends and records them. Plain
// JavaScript, one host for two servers (saleor_mautomation/demo/dashboard_host.py renders the
// page with its configuration inlined):
//   - the browser tests' stand-in Dashboard (tests/support/e2e_server.py), driven by the harness
//     (dashboard_extension/e2e/harness.ts) through window.e2eHost;
//   - the demo's stand-in Dashboard (saleor_mautomation/demo/saleor_server.py), which adds a
//     navigation of the app's pages, links to the demo's mail page and GraphQL explorer, tokens
//     refreshed before they expire, and follows the app's redirects as the Dashboard does.
//
// Routes (the Dashboard mounted at /dashboard, like Saleor Cloud):
//   /dashboard/extensions/app/<appId>/<deep path>   the app page; <deep path> is joined to appUrl
//   /dashboard/customers/<customerId>               the customer page with the app's widget
// The hash (never passed to the app) sets the start: #token=valid|expired|foreign&theme=dark&locale=de

const MOUNT = "/dashboard";
const SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups";
const VERSIONS = { core: "3.21.0", dashboard: "3.21.0" };
const WIDGET_DEFAULT_HEIGHT = 200;
const WIDGET_MAX_HEIGHT = 5000;
// A token is replaced when this share of its lifetime has passed (the demo's tokens).
const REFRESH_AT = 0.8;

const options = new URLSearchParams(location.hash.slice(1));
const config = JSON.parse(document.getElementById("host-config").textContent);

const mintToken = async (kind) => {
  const response = await fetch(`${config.tokenUrl}?kind=${encodeURIComponent(kind)}`, { credentials: "same-origin" });
  if (response.status === 401) {
    // The demo's sign-in ran out: the page shows the sign-in again.
    location.reload();
    throw new Error("Signed out");
  }
  if (!response.ok) throw new Error(`No ${kind} token: ${response.status}`);
  return (await response.json()).token;
};

const joinUrl = (base, path) =>
  !path || path === "/" ? base : `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;

const appPrefix = `${MOUNT}/extensions/app/${encodeURIComponent(config.appId)}`;
// A browser leaves "=" in a path as it is: the app page's path may name the id either way.
const appPrefixes = [appPrefix, `${MOUNT}/extensions/app/${config.appId}`];

const state = {
  token: await mintToken(options.get("token") ?? "valid"),
  theme: options.get("theme") ?? "light",
  locale: options.get("locale") ?? "en",
  handshakeDone: false,
};

/** Every action the app sent ({type, payload, origin}), every event posted to it, and what the
 * Dashboard did about redirects (navigations). */
const record = { actions: [], events: [], navigations: [] };

const content = document.getElementById("content");
if (config.navigation) document.body.classList.add("full");
if (config.title) {
  document.getElementById("title").textContent = config.title;
  document.title = config.title;
}
const showLocation = () => {
  document.getElementById("location").textContent = config.navigation ? "" : location.pathname + location.search;
  const here = currentAppPath();
  for (const link of document.querySelectorAll("#navigation a")) {
    const path = link.dataset.path;
    const current = here !== null && (path === here || (path !== "/" && here.startsWith(`${path}/`)));
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
};

const frame = document.createElement("iframe");
frame.id = "app-frame";
frame.title = "Marketing Automation";
frame.setAttribute("data-test-id", "app-frame");
frame.setAttribute("sandbox", SANDBOX);

const iframeUrl = (extensionUrl, params) => {
  // ExtensionsUrls.resolveAppIframeUrl: domain, saleorApiUrl and id, then the page's parameters.
  const query = new URLSearchParams({
    domain: new URL(config.saleorApiUrl).host,
    saleorApiUrl: config.saleorApiUrl,
    id: config.appId,
    ...params,
  });
  return `${extensionUrl}?${query}`;
};

/** The app's own path of the Dashboard's location ("/journeys"), or null outside the app. */
const currentAppPath = () => {
  const prefix = appPrefixes.find((p) => location.pathname === p || location.pathname.startsWith(`${p}/`));
  return prefix === undefined ? null : location.pathname.slice(prefix.length) || "/";
};

/** A record of the demo shop (a customer, an order, a product) the server put in the page. */
const showRecord = (shown) => {
  const box = document.createElement("section");
  box.className = "record";
  const heading = document.createElement("h1");
  heading.textContent = shown.title;
  box.append(heading);
  const list = document.createElement("dl");
  for (const [name, value] of shown.rows ?? []) {
    const term = document.createElement("dt");
    term.textContent = name;
    const detail = document.createElement("dd");
    detail.textContent = value;
    list.append(term, detail);
  }
  box.append(list);
  content.append(box);
};

let mode;
if (currentAppPath() !== null) {
  mode = "app";
  frame.src = iframeUrl(joinUrl(config.appUrl, currentAppPath()), { theme: state.theme });
  content.append(frame);
} else if (location.pathname.startsWith(`${MOUNT}/customers/`) && location.pathname.length > `${MOUNT}/customers/`.length) {
  mode = "widget";
  const customerId = decodeURIComponent(location.pathname.slice(`${MOUNT}/customers/`.length));
  const widget = (config.manifest.extensions ?? []).find(
    (extension) => extension.mount === "CUSTOMER_DETAILS_WIDGETS",
  );
  if (config.record) {
    showRecord(config.record);
  } else {
    const heading = document.createElement("h1");
    heading.textContent = `Customer ${customerId}`;
    content.append(heading);
  }
  if (!widget) {
    content.append("The app's manifest declares no CUSTOMER_DETAILS_WIDGETS extension.");
  } else if (widget.options?.widgetTarget?.method === "POST") {
    content.append("The app's customer widget is a POST widget; this host frames GET widgets.");
  } else {
    const url = /^https?:\/\//.test(widget.url) ? widget.url : `${config.appUrl}${widget.url}`;
    frame.className = "widget";
    frame.title = widget.label;
    frame.style.height = `${WIDGET_DEFAULT_HEIGHT}px`;
    frame.src = iframeUrl(url, { id: config.appId, theme: state.theme, customerId });
    content.append(frame);
  }
} else if (config.record) {
  mode = "record";
  showRecord(config.record);
} else {
  mode = "unknown";
  content.append(config.navigation ? `Saleor's page ${location.pathname} is not part of the demo.` : `No page here: ${location.pathname}`);
}

const post = (event) => {
  record.events.push(event);
  frame.contentWindow?.postMessage(event, config.appOrigin);
};

const handshake = () =>
  post({
    type: "handshake",
    payload: {
      token: state.token,
      version: 1,
      saleorVersion: VERSIONS.core,
      dashboardVersion: VERSIONS.dashboard,
    },
  });

const enableUpdates = () => {
  if (state.handshakeDone) return;
  state.handshakeDone = true;
  // useAppDashboardUpdates, once the handshake is done: locale, theme, then "redirect" with the
  // Dashboard's whole pathname (resolveAppDeepPathFromDashboardUrl never strips the app's prefix,
  // as the Dashboard's own code does today).
  post({ type: "localeChanged", payload: { locale: state.locale } });
  post({ type: "theme", payload: { theme: state.theme } });
  post({ type: "redirect", payload: { path: location.pathname } });
};

frame.addEventListener("load", () => {
  handshake();
  enableUpdates();
});

const notify = (payload) => {
  const item = document.createElement("li");
  item.dataset.status = payload.status ?? "info";
  item.textContent = [payload.title, payload.text].filter(Boolean).join(": ");
  document.getElementById("notifications").append(item);
  if (config.notificationSeconds) setTimeout(() => item.remove(), config.notificationSeconds * 1000);
};

/** The Dashboard's own navigation to one of the app's pages: its URL, then the app told with
 * the "redirect" event (the app follows it), as the Dashboard does on a route change. */
const openAppPath = (path) => {
  const target = joinUrl(appPrefix, path);
  if (mode !== "app") {
    location.assign(target);
    return;
  }
  if (location.pathname !== target) history.pushState(null, "", target + location.hash);
  showLocation();
  if (state.handshakeDone) post({ type: "redirect", payload: { path: target } });
  else frame.src = iframeUrl(joinUrl(config.appUrl, path), { theme: state.theme });
};

const navigateDashboard = (path, how) => {
  record.navigations.push({ path, how });
  if (how === "push") {
    history.pushState(null, "", path + location.hash);
    showLocation();
  }
  if (!config.followRedirects) return;
  // The demo's Dashboard goes where the app asked, as Saleor's does.
  if (how === "new-tab") window.open(path, "_blank", "noopener");
  else if (how === "dashboard") location.assign(path);
  else if (how === "external" && window.confirm(`Leave the Dashboard for ${path}?`)) location.assign(path);
};

const handleRedirect = ({ to, newContext }) => {
  const inApp =
    currentAppPath() !== null &&
    (to.startsWith(appPrefix.slice(MOUNT.length)) || to.startsWith(`/apps/${encodeURIComponent(config.appId)}/app`));
  if (inApp) {
    navigateDashboard(joinUrl(MOUNT, to), newContext ? "new-tab" : "push");
    return true;
  }
  if (to.startsWith("/")) {
    // The Dashboard's own page (a customer, a product): the Dashboard navigates there.
    navigateDashboard(joinUrl(MOUNT, to), newContext ? "new-tab" : "dashboard");
    return true;
  }
  // Another host: a new tab, or the Dashboard asks window.confirm() first.
  navigateDashboard(to, newContext ? "new-tab" : "external");
  return true;
};

const handlers = {
  notifyReady: () => {
    handshake();
    // setHandshakeDone(true): the Dashboard's updates follow its response.
    setTimeout(enableUpdates, 0);
    return true;
  },
  notification: (payload) => {
    notify(payload);
    return true;
  },
  updateRouting: ({ newRoute }) => {
    const exact = joinUrl(appPrefix, newRoute);
    if (location.pathname !== exact) navigateDashboard(exact, "push");
    return true;
  },
  redirect: handleRedirect,
  widgetResize: ({ height }) => {
    if (mode === "widget" && Number.isFinite(height) && height > 0) {
      frame.style.height = `${Math.min(Math.ceil(height), WIDGET_MAX_HEIGHT)}px`;
    }
    return true;
  },
};

window.addEventListener("message", (event) => {
  if (event.origin !== config.appOrigin) return;
  const action = event.data;
  if (!action?.type || !action?.payload?.actionId) return;
  record.actions.push({ type: action.type, payload: action.payload, origin: event.origin });
  const handler = handlers[action.type];
  if (!handler) {
    console.warn(`${action.type} action is invalid`);
    return;
  }
  post({ type: "response", payload: { actionId: action.payload.actionId, ok: handler(action.payload) } });
});

/** The Dashboard fetched a new token for the app: "tokenRefresh" with it. */
const refreshToken = async (kind = "valid") => {
  state.token = await mintToken(kind);
  post({ type: "tokenRefresh", payload: { token: state.token } });
  scheduleRefresh();
  return state.token;
};

/** The demo's Dashboard replaces the token before it expires (at REFRESH_AT of its life). */
let refreshTimer;
const scheduleRefresh = () => {
  if (!config.refreshTokens) return;
  clearTimeout(refreshTimer);
  try {
    const claims = JSON.parse(atob(state.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const lifetime = Math.max(claims.exp - claims.iat, 60);
    refreshTimer = setTimeout(() => void refreshToken().catch(() => undefined), lifetime * REFRESH_AT * 1000);
  } catch {
    // not a JWT: nothing to schedule
  }
};
scheduleRefresh();

// The demo's header: the app's pages, and the demo's pages on the app's origin (opened through
// its sign-in with the current token, so they open signed in).
for (const { label, path } of config.navigation ?? []) {
  const link = document.createElement("a");
  link.href = joinUrl(appPrefix, path);
  link.dataset.path = path;
  link.textContent = label;
  link.addEventListener("click", (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openAppPath(path);
  });
  document.getElementById("navigation").append(link);
}
for (const { label, next } of config.links ?? []) {
  const link = document.createElement("a");
  link.textContent = label;
  link.target = "_blank";
  link.rel = "noopener";
  const point = () => {
    const query = new URLSearchParams({ token: state.token, next });
    link.href = `${config.appOrigin}/demo/sign-in?${query}`;
  };
  point();
  link.addEventListener("pointerdown", point);
  link.addEventListener("focus", point);
  link.addEventListener("click", point);
  document.getElementById("links").append(link);
}
if (config.user) {
  const account = document.getElementById("account");
  account.append(config.user);
  if (config.signOutUrl) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = config.signOutUrl;
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Sign out";
    form.append(button);
    account.append(form);
  }
}
window.addEventListener("popstate", () => {
  showLocation();
  const path = currentAppPath();
  if (mode === "app" && path !== null && state.handshakeDone) post({ type: "redirect", payload: { path: location.pathname } });
});
showLocation();

const host = {
  config,
  mode,
  record,
  frame,
  get token() {
    return state.token;
  },
  /** The Dashboard's theme switch (the "theme" event). */
  setTheme(theme) {
    state.theme = theme;
    post({ type: "theme", payload: { theme } });
  },
  /** The Dashboard's language switch (the "localeChanged" event). */
  setLocale(locale) {
    state.locale = locale;
    post({ type: "localeChanged", payload: { locale } });
  },
  /** A "redirect" event, as the Dashboard sends one. */
  redirect(path) {
    post({ type: "redirect", payload: { path } });
  },
  refreshToken,
  openAppPath,
};
window.dashboardHost = host;
window.e2eHost = host; // the browser tests' harness drives the host by this name
document.documentElement.dataset.hostReady = "true";
