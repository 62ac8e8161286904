import { defineConfig } from "drizzle-kit";

/** D1 migrations, applied by `wrangler d1 migrations apply` (npm start does it for you). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/src/db/schema.ts",
  out: "./migrations",
});
