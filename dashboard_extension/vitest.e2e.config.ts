import { defineConfig } from "vitest/config";

// The browser tests (`npm run e2e`): one build, one app server and one Chromium for every file
// (e2e/global-setup.ts), the files one after another (they share the app's database).
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["e2e/global-setup.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
  },
});
