import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The Django app serves the built bundle under /dashboard/ (the manifest's appUrl),
// so every asset URL in dist/index.html must be prefixed with that path.
export default defineConfig({
  base: "/dashboard/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: app changes don't invalidate the cached UI kit.
        codeSplitting: {
          groups: [
            // Message catalogues: one chunk per language, loaded for the page's language only.
            { name: "messages-en", test: /src[\\/]i18n[\\/]en[\\/]/, priority: 4 },
            { name: "messages-de", test: /src[\\/]i18n[\\/]de[\\/]/, priority: 4 },
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: "macaw-ui", test: /node_modules[\\/](@saleor[\\/]macaw-ui|@radix-ui|@floating-ui|@vanilla-extract|@dessert-box|downshift|lucide-react)[\\/]/, priority: 2 },
            // Everything the shell needs; the editor's canvas and layout libraries and the analytics
            // charts (recharts and what it brings) stay out of it (a group merges every module it
            // matches, lazy or not, into the first load). No group of their own for the charts:
            // the d3 modules recharts shares with the canvas would drag all of recharts into the
            // editor's load.
            {
              name: "vendor",
              test: /node_modules[\\/](?!@xyflow|@dagrejs|@codemirror|@lezer|style-mod|w3c-keyname|crelt|d3-|zustand|classcat|recharts|victory-vendor|@reduxjs|redux|react-redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant|internmap|react-is)/,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
