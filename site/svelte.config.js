import cloudflare from "@sveltejs/adapter-cloudflare";
import awsLambda from "./adapters/aws-lambda.js";

/**
 * The dashboard, built for one platform at a time (KODO_SITE_TARGET):
 * - `cloudflare` (default): adapter-cloudflare, a Worker with static assets. Every read and write
 *   goes to the Kodo worker through the `API` service binding (site/wrangler.toml).
 * - `aws` (`npm run build:aws`): Kit's server and client in build-aws/ (adapters/aws-lambda.js),
 *   which sam/src/site-handler.ts serves on Lambda through Kit's `Server`; there
 *   `platform.env.API` is a fetcher to the stack's HTTP API (sam/src/site-platform.ts). The
 *   site's own code is the same on both.
 * Each target builds in a Kit folder of its own (`.svelte-kit`, `.svelte-kit-aws`): building one
 * leaves the other's output usable, so tests that start both stacks build each once.
 * It holds no business logic (src/lib/server/api.ts).
 */
const target = process.env.KODO_SITE_TARGET ?? "cloudflare";
if (target !== "cloudflare" && target !== "aws") throw new Error(`KODO_SITE_TARGET must be cloudflare or aws, not ${target}`);

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: target === "aws" ? awsLambda({ out: "build-aws" }) : cloudflare(),
    outDir: target === "aws" ? ".svelte-kit-aws" : ".svelte-kit",
    // SvelteKit refuses cross-site form posts by their Origin header (on by default; kept explicit).
    csrf: { trustedOrigins: [] },
  },
};
