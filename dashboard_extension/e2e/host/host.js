// The Saleor Dashboard's side of App Bridge, for the browser tests: it frames the app (or its
// customer widget) as saleor-dashboard's AppFrame does (same sandbox, same URL parameters, same
// events in the same order) from its own origin, answers every action the app sends and records
// them. Plain JavaScript served by tests/support/e2e_server.py; the harness (../harness.ts) drives
// it through window.e2eHost.
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

const options = new URLSearchParams(location.hash.slice(1));
const config = await (await fetch("/__e2e/config")).json();

const mintToken = async (kind) => {
  const response = await fetch(`/__e2e/token?kind=${encodeURIComponent(kind)}`);
  if (!response.ok) throw new Error(`No ${kind} token: ${response.status}`);
  return (await response.json()).token;
};

const joinUrl = (base, path) =>
  !path || path === "/" ? base : `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;

const appPrefix = `${MOUNT}/extensions/app/${encodeURIComponent(config.appId)}`;

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
const showLocation = () => {
  document.getElementById("location").textContent = location.pathname + location.search;
};
showLocation();

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

let mode;
if (location.pathname === appPrefix || location.pathname.startsWith(`${appPrefix}/`)) {
  mode = "app";
  const deepPath = location.pathname.slice(appPrefix.length);
  frame.src = iframeUrl(joinUrl(config.appUrl, deepPath), { theme: state.theme });
  content.append(frame);
} else if (location.pathname.startsWith(`${MOUNT}/customers/`)) {
  mode = "widget";
  const customerId = decodeURIComponent(location.pathname.slice(`${MOUNT}/customers/`.length));
  const widget = (config.manifest.extensions ?? []).find(
    (extension) => extension.mount === "CUSTOMER_DETAILS_WIDGETS",
  );
  const heading = document.createElement("h1");
  heading.textContent = `Customer ${customerId}`;
  content.append(heading);
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
} else {
  mode = "unknown";
  content.append(`No page here: ${location.pathname}`);
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
};

const navigateDashboard = (path, how) => {
  record.navigations.push({ path, how });
  if (how === "push") {
    history.pushState(null, "", path + location.hash);
    showLocation();
  }
};

const handleRedirect = ({ to, newContext }) => {
  const inApp =
    location.pathname.startsWith(appPrefix) &&
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
  // Another host: a new tab, or the Dashboard asks window.confirm() first; recorded only.
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

window.e2eHost = {
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
  /** The Dashboard fetched a new token for the app: "tokenRefresh" with it. */
  async refreshToken(kind = "valid") {
    state.token = await mintToken(kind);
    post({ type: "tokenRefresh", payload: { token: state.token } });
    return state.token;
  },
};
document.documentElement.dataset.hostReady = "true";
