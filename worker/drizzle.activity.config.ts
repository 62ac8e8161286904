import { defineConfig } from "drizzle-kit";

/** The per-user Durable Object's SQLite migrations, bundled into the worker. */
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./src/activity/schema.ts",
  out: "./drizzle/activity",
});
