/**
 * The app's routes: their paths under the router's basename, matching a path back to a
 * route, and what the Dashboard sees of them (updateRouting, its `redirect` event).
 *
 * The Dashboard frames the app at `<appUrl><deep path>` where appUrl ends in `/dashboard/`,
 * keeps the deep path after `/extensions/app/<app id>` in its own URL (updateRouting), and
 * tells the app that path again in its `redirect` event.
 */

export const BASENAME = "/dashboard";

export type AppRoute =
  | { name: "overview" }
  | { name: "journeys" }
  | { name: "presets" }
  | { name: "journey"; journeyId: string }
  | { name: "journeyAnalytics"; journeyId: string }
  | { name: "analytics" }
  | { name: "settings" }
  | { name: "contacts" }
  | { name: "contact"; contactId: string }
  | { name: "templates" }
  | { name: "template"; templateId: string }
  | { name: "segments" }
  | { name: "segmentNew" }
  | { name: "segment"; segmentId: string }
  | { name: "broadcasts" }
  | { name: "broadcastNew" }
  | { name: "broadcast"; journeyId: string }
  | { name: "programmes" }
  | { name: "survey"; surveyId: string }
  | { name: "draw"; drawId: string }
  | { name: "postal" }
  | { name: "operations" }
  | { name: "imports" }
  | { name: "customerWidget" }
  | { name: "privacy" }
  | { name: "support" };

export type RouteName = AppRoute["name"];

/** react-router path patterns, relative to BASENAME. */
export const ROUTE_PATTERNS: Record<RouteName, string> = {
  overview: "/",
  journeys: "/journeys",
  presets: "/journeys/presets",
  journey: "/journeys/:journeyId",
  journeyAnalytics: "/journeys/:journeyId/analytics",
  analytics: "/analytics",
  settings: "/settings",
  contacts: "/contacts",
  contact: "/contacts/:contactId",
  templates: "/templates",
  template: "/templates/:templateId",
  segments: "/segments",
  segmentNew: "/segments/new",
  segment: "/segments/:segmentId",
  broadcasts: "/broadcasts",
  broadcastNew: "/broadcasts/new",
  broadcast: "/broadcasts/:journeyId",
  programmes: "/programmes",
  survey: "/surveys/:surveyId",
  draw: "/draws/:drawId",
  postal: "/postal",
  operations: "/operations",
  imports: "/imports",
  customerWidget: "/widgets/customer",
  privacy: "/privacy",
  support: "/support",
};

export const pathFor = (route: AppRoute): string => {
  switch (route.name) {
    case "journey":
      return `/journeys/${encodeURIComponent(route.journeyId)}`;
    case "journeyAnalytics":
      return `/journeys/${encodeURIComponent(route.journeyId)}/analytics`;
    case "contact":
      return `/contacts/${encodeURIComponent(route.contactId)}`;
    case "template":
      return `/templates/${encodeURIComponent(route.templateId)}`;
    case "segment":
      return `/segments/${encodeURIComponent(route.segmentId)}`;
    case "broadcast":
      return `/broadcasts/${encodeURIComponent(route.journeyId)}`;
    case "survey":
      return `/surveys/${encodeURIComponent(route.surveyId)}`;
    case "draw":
      return `/draws/${encodeURIComponent(route.drawId)}`;
    default:
      return ROUTE_PATTERNS[route.name];
  }
};

const decode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/** The route a path (relative to BASENAME, without query) shows; null for none. */
export const matchRoute = (pathname: string): AppRoute | null => {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const segments = trimmed.split("/").filter(Boolean);

  if (segments.length === 0) {
    return { name: "overview" };
  }

  const [first, second, third, ...rest] = segments;

  if (rest.length > 0) {
    return null;
  }

  if (third !== undefined) {
    const journeyId = first === "journeys" && second !== "presets" && third === "analytics" ? decode(second ?? "") : null;

    return journeyId ? { name: "journeyAnalytics", journeyId } : null;
  }

  switch (first) {
    case "analytics":
      return second === undefined ? { name: "analytics" } : null;
    case "contacts": {
      if (second === undefined) {
        return { name: "contacts" };
      }

      const contactId = decode(second);

      return contactId ? { name: "contact", contactId } : null;
    }
    case "settings":
      return second === undefined ? { name: "settings" } : null;
    case "operations":
      return second === undefined ? { name: "operations" } : null;
    case "postal":
      return second === undefined ? { name: "postal" } : null;
    case "imports":
      return second === undefined ? { name: "imports" } : null;
    case "templates": {
      if (second === undefined) {
        return { name: "templates" };
      }

      const templateId = decode(second);

      return templateId ? { name: "template", templateId } : null;
    }
    case "segments": {
      if (second === undefined) {
        return { name: "segments" };
      }

      if (second === "new") {
        return { name: "segmentNew" };
      }

      const segmentId = decode(second);

      return segmentId ? { name: "segment", segmentId } : null;
    }
    case "broadcasts": {
      if (second === undefined) {
        return { name: "broadcasts" };
      }

      if (second === "new") {
        return { name: "broadcastNew" };
      }

      const journeyId = decode(second);

      return journeyId ? { name: "broadcast", journeyId } : null;
    }
    case "programmes":
      return second === undefined ? { name: "programmes" } : null;
    case "surveys": {
      const surveyId = second === undefined ? null : decode(second);

      return surveyId ? { name: "survey", surveyId } : null;
    }
    case "draws": {
      const drawId = second === undefined ? null : decode(second);

      return drawId ? { name: "draw", drawId } : null;
    }
    case "journeys": {
      if (second === undefined) {
        return { name: "journeys" };
      }

      if (second === "presets") {
        return { name: "presets" };
      }

      const journeyId = decode(second);

      return journeyId ? { name: "journey", journeyId } : null;
    }
    case "widgets":
      return second === "customer" ? { name: "customerWidget" } : null;
    case "privacy":
      return second === undefined ? { name: "privacy" } : null;
    case "support":
      return second === undefined ? { name: "support" } : null;
    default:
      return null;
  }
};

/**
 * Widgets live inside another Dashboard page: they never change the Dashboard's URL and
 * never follow its `redirect` event (which names the customer page, not an app path).
 */
export const isWidgetPath = (pathname: string): boolean => matchRoute(pathname)?.name === "customerWidget";

/** Pages that make sense without the Dashboard (the manifest's privacy and support URLs). */
export const worksOutsideDashboard = (route: AppRoute | null): boolean =>
  route?.name === "privacy" || route?.name === "support";

/** The `newRoute` of updateRouting for a location, or null when the Dashboard is not to be told. */
export const routingUpdateFor = ({ pathname, search }: { pathname: string; search: string }): string | null => {
  if (matchRoute(pathname) === null || isWidgetPath(pathname)) {
    return null;
  }

  const query = new URLSearchParams(search);

  // The Dashboard adds its context to the iframe's query on every load; keeping it
  // in the Dashboard's own URL would only duplicate it there.
  for (const key of ["saleorApiUrl", "domain", "id", "theme", "locale", "featureFlags"]) {
    query.delete(key);
  }

  const rest = query.toString();

  return rest ? `${pathname}?${rest}` : pathname;
};

const DASHBOARD_APP_PREFIXES = [/^.*?\/extensions\/app\/[^/?#]+/, /^.*?\/apps\/[^/?#]+\/app/];

/**
 * The app path named by the Dashboard's `redirect` event, or null when it names none of the
 * app's pages. The event's path is usually the deep path (`/journeys/1`), but some Dashboard
 * versions send their whole pathname (`/dashboard/extensions/app/<id>/journeys/1`), and a
 * path may carry this app's own basename.
 */
export const appPathFromDashboardPath = (raw: string): string | null => {
  let path = raw.split(/[?#]/, 1)[0] ?? "";

  for (const prefix of DASHBOARD_APP_PREFIXES) {
    if (prefix.test(path)) {
      path = path.replace(prefix, "");
      break;
    }
  }

  if (path === BASENAME || path.startsWith(`${BASENAME}/`)) {
    path = path.slice(BASENAME.length);
  }

  if (!path.startsWith("/")) {
    path = `/${path}`;
  }

  const route = matchRoute(path);

  return route === null || route.name === "customerWidget" ? null : pathFor(route);
};
