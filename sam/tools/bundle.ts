/**
 * Bundles the Lambda handler with esbuild using the options in template.yaml's function
 * Metadata (BuildMethod: esbuild), so the local runner and its tests run the same bundle
 * `sam build` makes. `npm run build -w sam` writes it to sam/.build/api/.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildOptions } from "esbuild";
import { SAM_DIR, apiFunction, loadTemplate, type Template } from "./template.ts";

export interface Bundle {
  /** The bundled handler module. */
  file: string;
  /** Name of the handler export ("handler" in "handler.handler"). */
  exportName: string;
}

/** esbuild options equivalent to what SAM's esbuild builder derives from the BuildProperties. */
export function esbuildOptions(template: Template, outdir: string, functionName = "ApiFunction"): BuildOptions {
  const [, fn] = apiFunction(template, functionName);
  const props = ((fn.Metadata?.BuildProperties ?? {}) as Record<string, unknown>);
  const pairs = (value: unknown) =>
    Object.fromEntries(((value as string[] | undefined) ?? []).map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  return {
    absWorkingDir: SAM_DIR,
    entryPoints: ((props.EntryPoints as string[] | undefined) ?? []).map((p) => path.join(SAM_DIR, p)),
    bundle: true,
    platform: "node",
    format: (props.Format as "esm" | "cjs" | undefined) ?? "cjs",
    target: (props.Target as string | undefined) ?? "node22",
    minify: props.Minify === true,
    sourcemap: props.Sourcemap === true,
    outExtension: pairs(props.OutExtension),
    banner: pairs(props.Banner),
    external: (props.External as string[] | undefined) ?? [],
    outdir,
    logLevel: "warning",
  };
}

/** Bundles one esbuild-built function of the template (the API by default; the drains). */
export async function bundleHandler(outdir = path.join(SAM_DIR, ".build", "api"), template = loadTemplate(), functionName = "ApiFunction"): Promise<Bundle> {
  const options = esbuildOptions(template, outdir, functionName);
  await build(options);
  const [, fn] = apiFunction(template, functionName);
  const handler = String(fn.Properties?.Handler ?? "handler.handler");
  const dot = handler.lastIndexOf(".");
  const ext = options.outExtension?.[".js"] ?? ".js";
  return { file: path.join(outdir, `${handler.slice(0, dot)}${ext}`), exportName: handler.slice(dot + 1) };
}

/** Imports the bundle's handler function. */
export async function importHandler<T>(bundle: Bundle): Promise<T> {
  const mod = (await import(pathToFileURL(bundle.file).href)) as Record<string, unknown>;
  const fn = mod[bundle.exportName];
  if (typeof fn !== "function") throw new Error(`${bundle.file} does not export a function "${bundle.exportName}"`);
  return fn as T;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const bundle = await bundleHandler(out);
  console.log(`bundled ${path.relative(process.cwd(), bundle.file)} (export ${bundle.exportName})`);
}
