import { defineConfig } from "vitest/config";

/**
 * End-to-end tests that run in Node and start the real worker (`wrangler dev` on workerd,
 * via scripts/local-worker.mjs) as a process: contract, fault and client tests.
 */
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file starts its own worker; running them one at a time keeps the 2-core machine sane.
    fileParallelism: false,
    // Pages and servers answer slower on a loaded 2-core machine than on an idle one.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
