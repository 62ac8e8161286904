/**
 * The dashboard's static files, served by its function from the bundle (client/ and
 * prerendered/ beside site-handler.mjs): Kit's immutable build output with a one-year
 * lifetime (CloudFront keeps it, so the function serves each file about once per edge
 * location), the files of site/static and Kit's version.json revalidated on every use.
 */
import { readFile } from "node:fs/promises";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json; charset=utf-8",
};

export interface StaticIndex {
  /** Files of site/static, as Kit's manifest lists them ("favicon.svg"). */
  assets: Set<string>;
  /** Kit's app directory ("_app"). */
  appDir: string;
  /** Prerendered page paths ("/about"). */
  prerendered: Set<string>;
}

/** The file's response, or null when `pathname` is not a static file (then Kit answers). */
export async function staticFile(root: URL, pathname: string, index: StaticIndex, method: string): Promise<Response | null> {
  if (method !== "GET" && method !== "HEAD") return null;
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.split("/").includes("..")) return null;
  let file: URL;
  let cacheControl: string;
  if (path.startsWith(`/${index.appDir}/immutable/`)) {
    file = new URL(`client${path}`, root);
    cacheControl = "public, max-age=31536000, immutable";
  } else if (index.assets.has(path.slice(1)) || path === `/${index.appDir}/version.json`) {
    file = new URL(`client${path}`, root);
    cacheControl = "public, max-age=0, must-revalidate";
  } else if (index.prerendered.has(path)) {
    file = new URL(`prerendered${path === "/" ? "/index" : path}.html`, root);
    cacheControl = "public, max-age=0, must-revalidate";
  } else return null;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return path.startsWith(`/${index.appDir}/immutable/`) ? new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } }) : null;
  }
  const ext = /\.[a-z0-9]+$/i.exec(path)?.[0]?.toLowerCase() ?? ".html";
  const headers = { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": cacheControl, "x-content-type-options": "nosniff" };
  return new Response(method === "HEAD" ? null : new Uint8Array(body), { headers });
}
