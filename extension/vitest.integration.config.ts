import { defineConfig } from "vitest/config";

/**
 * Integration tests that start the real Kodo worker (`wrangler dev` on workerd, through
 * scripts/local-worker.mjs) and drive the extension's tracker core against it.
 */
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
