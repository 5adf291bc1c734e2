import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router-dom";

import { appPathFromDashboardPath, isWidgetPath, routingUpdateFor } from "../lib/routes";

/** The route the Dashboard was last told, kept across remounts of the shell. */
let lastSent: string | null = null;

/**
 * Keeps the Dashboard's URL on the app's page (updateRouting after each navigation, so a
 * reload opens the same page) and follows the Dashboard's `redirect` event. A widget does
 * neither: it lives on a page of Saleor's own.
 */
export const RoutingSync = () => {
  const { appBridge } = useAppBridge();
  const location = useLocation();
  const navigate = useNavigate();
  const current = useRef(location.pathname);

  current.current = location.pathname;

  const newRoute = routingUpdateFor(location);

  useEffect(() => {
    if (!appBridge || newRoute === null || newRoute === lastSent) {
      return;
    }

    lastSent = newRoute;
    appBridge.dispatch(actions.UpdateRouting({ newRoute })).catch((error: unknown) => {
      console.warn("The Dashboard did not take the app's route", error);
    });
  }, [appBridge, newRoute]);

  useEffect(
    () =>
      appBridge?.subscribe("redirect", ({ path }) => {
        const target = appPathFromDashboardPath(path);

        if (target !== null && !isWidgetPath(current.current) && target !== current.current) {
          navigate(target);
        }
      }),
    [appBridge, navigate],
  );

  return null;
};
