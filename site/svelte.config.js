import adapter from "@sveltejs/adapter-cloudflare";

/**
 * The dashboard: SvelteKit on Cloudflare (adapter-cloudflare, Workers with static assets).
 * It holds no business logic: every read and write goes to the Kodo worker through the `API`
 * service binding (see site/wrangler.toml and src/lib/server/api.ts).
 */
/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // SvelteKit refuses cross-site form posts by their Origin header (on by default; kept explicit).
    csrf: { trustedOrigins: [] },
  },
};
