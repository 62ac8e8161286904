import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // Property tests are CPU-bound, and `npm test` runs this suite beside others on a 2-core
    // machine (scripts/test-all.mjs): vitest's default 5 s timed one out at 10 s there.
    testTimeout: 30_000,
  },
});
