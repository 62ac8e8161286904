/**
 * Builds the dashboard's Lambda package: the site built for AWS (`npm run build:aws -w site`,
 * site/adapters/aws-lambda.js, skipped when up to date), sam/src/site-handler.ts bundled with
 * esbuild with the same options as the API function (template.yaml Metadata), Kit's server
 * resolved through the `kodo-site/*` aliases, and the static files copied beside it:
 *
 *   <outdir>/site-handler.mjs   the handler (template.yaml SiteFunction: site-handler.handler)
 *   <outdir>/client/            static files (site/static and Kit's _app/)
 *   <outdir>/prerendered/       prerendered pages, if any
 *
 * `sam build` runs it through the Makefile (BuildMethod: makefile); the local runner too.
 * `npm run build:site -w sam [outdir]` writes it to sam/.build/site/.
 */
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ensureSiteBuilt } from "../../scripts/local-worker.mjs";
import { esbuildOptions, type Bundle } from "./bundle.ts";
import { SAM_DIR, loadTemplate, type Template } from "./template.ts";

export const SITE_BUILD = path.resolve(SAM_DIR, "..", "site", "build-aws");

export async function bundleSite(outdir = path.join(SAM_DIR, ".build", "site"), template: Template = loadTemplate()): Promise<Bundle> {
  await ensureSiteBuilt({ target: "aws" });
  const base = esbuildOptions(template, outdir);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...base,
    entryPoints: [path.join(SAM_DIR, "src", "site-handler.ts")],
    // Kit imports devalue for its side effects that devalue says it has none of: harmless.
    logOverride: { "ignored-bare-import": "silent" },
    alias: {
      "kodo-site/server": path.join(SITE_BUILD, "server", "index.js"),
      "kodo-site/manifest": path.join(SITE_BUILD, "server", "lambda-manifest.js"),
    },
  });
  for (const dir of ["client", "prerendered"]) {
    if (existsSync(path.join(SITE_BUILD, dir))) cpSync(path.join(SITE_BUILD, dir), path.join(outdir, dir), { recursive: true });
  }
  const ext = base.outExtension?.[".js"] ?? ".js";
  return { file: path.join(outdir, `site-handler${ext}`), exportName: "handler" };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const bundle = await bundleSite(out);
  console.log(`bundled ${path.relative(process.cwd(), bundle.file)} with the dashboard's static files`);
}
