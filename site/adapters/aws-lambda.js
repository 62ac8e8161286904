import { writeFileSync } from "node:fs";

/**
 * Kodo's SvelteKit adapter for AWS Lambda: what Kit's adapter API gives, written out for
 * sam/tools/bundle-site.ts to bundle with esbuild beside sam/src/site-handler.ts (which serves
 * it through Kit's `Server`, with `platform.env.API` reaching the stack's API):
 *
 *   build-aws/client/        static files (served by the function; CloudFront caches _app/immutable/)
 *   build-aws/prerendered/   prerendered pages, if any
 *   build-aws/server/        Kit's server: index.js exports Server, lambda-manifest.js the manifest
 *
 * adapter-node does the same first steps, then merges the server into hashed chunks behind a
 * Node HTTP server of its own, neither of which a Lambda handler can use.
 */
/** @param {{ out?: string }} [options] @returns {import('@sveltejs/kit').Adapter} */
export default function awsLambda({ out = "build-aws" } = {}) {
  return {
    name: "kodo-aws-lambda",
    async adapt(builder) {
      builder.rimraf(out);
      const base = builder.config.kit.paths.base;
      builder.writeClient(`${out}/client${base}`);
      builder.writePrerendered(`${out}/prerendered${base}`);
      builder.writeServer(`${out}/server`);
      writeFileSync(
        `${out}/server/lambda-manifest.js`,
        `export const manifest = ${builder.generateManifest({ relativePath: "./" })};\n` +
          `export const prerendered = new Set(${JSON.stringify(builder.prerendered.paths)});\n` +
          `export const base = ${JSON.stringify(base)};\n`,
      );
    },
    supports: { read: () => true },
  };
}
