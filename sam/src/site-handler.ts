/**
 * The dashboard's Lambda entry: the SvelteKit site (site/, built for AWS by
 * site/adapters/aws-lambda.js) served through Kit's `Server`, behind the same HTTP API as the
 * Kodo API (which routes /api/* to the API function and everything else here) and CloudFront
 * in front of both, so the browser sees one origin as on Cloudflare.
 *
 * The platform is chosen here, at the edge: `platform.env.API` reaches the API over the HTTP
 * API the request came through (site-platform.ts), as the service binding does on Cloudflare.
 * Static files are served from the bundle (CloudFront keeps the immutable ones for a year).
 */
import { Hono } from "hono";
import { handle, type LambdaEvent } from "hono/aws-lambda";
import { Server } from "kodo-site/server";
import { manifest, prerendered } from "kodo-site/manifest";
import { staticFile } from "./site-static.ts";
import { apiBinding } from "./site-platform.ts";
import { caller } from "./edge.ts";

const server = new Server(manifest);
const ready = server.init({ env: process.env as Record<string, string> });
const HERE = new URL(".", import.meta.url);

const app = new Hono<{ Bindings: { event: LambdaEvent } }>();
app.all("*", async (c) => {
  await ready;
  const event = c.env.event as { headers?: Record<string, string | undefined>; requestContext: { domainName?: string; http?: { sourceIp?: string } } };
  const url = new URL(c.req.url);
  // The host the browser used and its address, as CloudFront vouches for them (edge.ts):
  // CloudFront sends the HTTP API its own host name. SITE_PROTOCOL is http only locally.
  const who = caller(event.headers ?? {}, event.requestContext.http?.sourceIp ?? "", process.env.KODO_EDGE_TOKEN);
  const origin = `${process.env.SITE_PROTOCOL ?? "https"}://${who.forwardedHost ?? url.host}`;
  const file = await staticFile(HERE, url.pathname, { assets: manifest.assets, appDir: manifest.appDir, prerendered }, c.req.method);
  if (file) return file;

  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  const request = new Request(new URL(url.pathname + url.search, origin), { method: c.req.method, headers: c.req.raw.headers, ...(hasBody ? { body: await c.req.arrayBuffer() } : {}) });
  const clientAddress = who.clientIp;
  // The API: KODO_API_ORIGIN when set (local runner), else the HTTP API this request came through.
  const apiOrigin = process.env.KODO_API_ORIGIN ?? `https://${event.requestContext.domainName ?? url.host}`;
  return server.respond(request, { platform: apiBinding(apiOrigin, { origin, clientAddress }, process.env.KODO_EDGE_TOKEN), getClientAddress: () => clientAddress });
});

export const handler = handle(app);
