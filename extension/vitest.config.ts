import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/*.test.ts"],
    environment: "node",
    // Queue and transport tests touch a real disk and a real loopback server. The tests that
    // start the real worker are in test/integration (vitest.integration.config.ts).
    testTimeout: 15_000,
  },
});
