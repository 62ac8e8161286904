/**
 * The dashboard function's static files (src/site-static.ts): Kit's immutable output kept a
 * year, site/static files and version.json revalidated, prerendered pages, and nothing outside
 * the bundle's folders (encoded dot segments, NUL) or for other methods.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { staticFile } from "../src/site-static.ts";

const dir = mkdtempSync(path.join(tmpdir(), "kodo-site-static-"));
for (const [file, text] of Object.entries({
  "client/_app/immutable/entry/app.abc123.js": "console.log(1)",
  "client/_app/version.json": '{"version":"1"}',
  "client/favicon.svg": "<svg/>",
  "prerendered/about.html": "<h1>About</h1>",
  "secret.txt": "not public",
})) {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}
const root = pathToFileURL(`${dir}/`);
const index = { assets: new Set(["favicon.svg"]), appDir: "_app", prerendered: new Set(["/about"]) };
const get = (p: string, method = "GET") => staticFile(root, p, index, method);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("staticFile", () => {
  it("serves Kit's immutable files for a year, the others revalidated, with their types", async () => {
    const app = (await get("/_app/immutable/entry/app.abc123.js"))!;
    expect(app.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(app.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await app.text()).toBe("console.log(1)");
    for (const [p, type] of [["/favicon.svg", "image/svg+xml"], ["/_app/version.json", "application/json; charset=utf-8"], ["/about", "text/html; charset=utf-8"]]) {
      const res = (await get(p!))!;
      expect(res.headers.get("cache-control"), p).toBe("public, max-age=0, must-revalidate");
      expect(res.headers.get("content-type"), p).toBe(type);
    }
    expect(await (await get("/about"))!.text()).toBe("<h1>About</h1>");
    const head = (await get("/favicon.svg", "HEAD"))!;
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("leaves everything else to Kit, and a missing immutable file is a 404", async () => {
    expect(await get("/dashboard")).toBeNull();
    expect(await get("/favicon.svg", "POST")).toBeNull();
    expect(await get("/secret.txt")).toBeNull(); // not listed in the manifest
    expect(await get("/_app/immutable/%2e%2e/%2e%2e/%2e%2e/secret.txt")).toBeNull();
    expect(await get("/_app/immutable/x%00.js")).toBeNull();
    expect(await get("/_app/immutable/%E0%A4%A")).toBeNull(); // malformed escape
    const missing = (await get("/_app/immutable/entry/gone.js"))!;
    expect(missing.status).toBe(404);
  });
});
