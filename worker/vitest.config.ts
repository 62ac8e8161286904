import path from "node:path";
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

/** Worker tests run inside workerd with the real D1 migrations and Durable Object. */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "../migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "../wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            // Tests flush explicitly; a long delay keeps the alarm out of their way.
            FLUSH_QUIET_SECONDS: "3600",
            FLUSH_MAX_DELAY_SECONDS: "3600",
            // Sign-in (worker/src/auth): a fixed test secret, the site's origin, and the local
            // outbox so magic links can be read back from D1.
            BETTER_AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
            BETTER_AUTH_URL: "http://kodo.test",
            KODO_LOCAL_OUTBOX: "1",
            // Encrypts relay upstream keys (core relay/secret-box.ts).
            KODO_RELAY_SECRET: "test-relay-secret-0123456789abcdef",
          },
        },
      }),
    ],
    test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 },
  };
});
