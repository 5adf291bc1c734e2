import type { ComponentType } from "react";
import { createBrowserRouter } from "react-router-dom";

import { BASENAME, ROUTE_PATTERNS } from "./lib/routes";
import { EditorMissingPage, NotFoundPage } from "./pages/not-found-page";
import { AppShell, ShellFallback } from "./shell/app-shell";

type PageModule = { default?: ComponentType; JourneyEditorPage?: ComponentType };

// The editor is its own chunk, loaded only on its route; found by glob so the shell
// builds whether or not the editor is part of this build.
const editorModules = import.meta.glob<PageModule>("./pages/journey-editor-page.tsx");

const loadEditor = async (): Promise<{ Component: ComponentType }> => {
  const load = editorModules["./pages/journey-editor-page.tsx"];

  if (!load) {
    return { Component: EditorMissingPage };
  }

  const module = await load();
  const Component = module.JourneyEditorPage ?? module.default;

  if (!Component) {
    throw new Error("pages/journey-editor-page.tsx exports neither JourneyEditorPage nor a default component");
  }

  return { Component };
};

const path = (pattern: string) => pattern.replace(/^\//, "");

export const createAppRouter = () =>
  createBrowserRouter(
    [
      {
        path: "/",
        Component: AppShell,
        HydrateFallback: ShellFallback,
        children: [
          { index: true, lazy: async () => ({ Component: (await import("./pages/overview-page")).OverviewPage }) },
          {
            path: path(ROUTE_PATTERNS.journeys),
            lazy: async () => ({ Component: (await import("./pages/journeys-page")).JourneysPage }),
          },
          {
            path: path(ROUTE_PATTERNS.presets),
            lazy: async () => ({ Component: (await import("./pages/presets-page")).PresetsPage }),
          },
          { path: path(ROUTE_PATTERNS.journey), lazy: loadEditor },
          {
            path: path(ROUTE_PATTERNS.journeyAnalytics),
            lazy: async () => ({ Component: (await import("./pages/journey-analytics-page")).JourneyAnalyticsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.analytics),
            lazy: async () => ({ Component: (await import("./pages/analytics-page")).AnalyticsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.settings),
            lazy: async () => ({ Component: (await import("./pages/settings-page")).SettingsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.operations),
            lazy: async () => ({ Component: (await import("./pages/operations-page")).OperationsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.imports),
            lazy: async () => ({ Component: (await import("./pages/imports-page")).ImportsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.contacts),
            lazy: async () => ({ Component: (await import("./pages/contacts-page")).ContactsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.contact),
            lazy: async () => ({ Component: (await import("./pages/contact-page")).ContactPage }),
          },
          {
            path: path(ROUTE_PATTERNS.templates),
            lazy: async () => ({ Component: (await import("./pages/templates-page")).TemplatesPage }),
          },
          {
            path: path(ROUTE_PATTERNS.template),
            lazy: async () => ({ Component: (await import("./pages/template-page")).TemplatePage }),
          },
          {
            path: path(ROUTE_PATTERNS.segments),
            lazy: async () => ({ Component: (await import("./pages/segments-page")).SegmentsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.segmentNew),
            lazy: async () => ({ Component: (await import("./pages/segment-page")).SegmentPage }),
          },
          {
            path: path(ROUTE_PATTERNS.segment),
            lazy: async () => ({ Component: (await import("./pages/segment-page")).SegmentPage }),
          },
          {
            path: path(ROUTE_PATTERNS.broadcasts),
            lazy: async () => ({ Component: (await import("./pages/broadcasts-page")).BroadcastsPage }),
          },
          {
            path: path(ROUTE_PATTERNS.broadcastNew),
            lazy: async () => ({ Component: (await import("./pages/broadcast-new-page")).BroadcastNewPage }),
          },
          {
            path: path(ROUTE_PATTERNS.broadcast),
            lazy: async () => ({ Component: (await import("./pages/broadcast-page")).BroadcastPage }),
          },
          {
            path: path(ROUTE_PATTERNS.programmes),
            lazy: async () => ({ Component: (await import("./pages/programmes-page")).ProgrammesPage }),
          },
          {
            path: path(ROUTE_PATTERNS.postal),
            lazy: async () => ({ Component: (await import("./pages/postal-page")).PostalPage }),
          },
          {
            path: path(ROUTE_PATTERNS.survey),
            lazy: async () => ({ Component: (await import("./pages/survey-page")).SurveyPage }),
          },
          {
            path: path(ROUTE_PATTERNS.draw),
            lazy: async () => ({ Component: (await import("./pages/draw-page")).DrawPage }),
          },
          {
            path: path(ROUTE_PATTERNS.customerWidget),
            lazy: async () => ({ Component: (await import("./pages/customer-widget-page")).CustomerWidgetPage }),
          },
          {
            path: path(ROUTE_PATTERNS.privacy),
            lazy: async () => ({ Component: (await import("./pages/privacy-page")).PrivacyPage }),
          },
          {
            path: path(ROUTE_PATTERNS.support),
            lazy: async () => ({ Component: (await import("./pages/support-page")).SupportPage }),
          },
          { path: "*", Component: NotFoundPage },
        ],
      },
    ],
    { basename: BASENAME },
  );
