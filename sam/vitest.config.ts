import { defineConfig } from "vitest/config";

/**
 * Node tests against dynalite (a real DynamoDB-compatible server on loopback) and the bundled
 * Lambda handler behind the local runner. Files run one at a time: the machine has 2 cores.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    // Starting local runners bundles the handler first: over 60 s beside the other suites of
    // `npm test` (scripts/test-all.mjs) on a loaded 2-core machine.
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
