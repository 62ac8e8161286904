/**
 * The dashboard's server as site/adapters/aws-lambda.js writes it (site/build-aws/server),
 * resolved by esbuild aliases in tools/bundle-site.ts.
 */
declare module "kodo-site/server" {
  export { Server } from "@sveltejs/kit";
}
declare module "kodo-site/manifest" {
  import type { SSRManifest } from "@sveltejs/kit";
  export const manifest: SSRManifest;
  /** Paths of prerendered pages (served from build-aws/prerendered). */
  export const prerendered: Set<string>;
  export const base: string;
}
