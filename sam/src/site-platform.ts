/**
 * What the dashboard's server code gets as `platform` on AWS: `env.API`, a fetcher that does
 * what the Cloudflare service binding does (site/src/lib/server/api.ts is the same on both).
 * It sends the site's API requests to the stack's HTTP API, path and query unchanged, with the
 * browser's headers, and says who the request is for: the public host the browser used (the
 * API compares Origin and builds links against it) and the client's address (sign-in rate
 * limits count per address). Redirects and Set-Cookie come back untouched.
 */
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER, FORWARDED_HOST_HEADER } from "./edge.ts";

export interface SitePlatform {
  env: { API: { fetch(request: Request): Promise<Response> } };
}

export interface PublicRequest {
  /** The origin the browser used ("https://d123.cloudfront.net", a custom domain, or http://127.0.0.1:port locally). */
  origin: string;
  clientAddress: string;
}

/** `edgeToken`: the stack's (edge.ts), so the API believes the address and host given here. */
export function apiBinding(apiOrigin: string, from: PublicRequest, edgeToken: string | undefined, fetchImpl: typeof fetch = fetch): SitePlatform {
  const api = new URL(apiOrigin);
  const publicUrl = new URL(from.origin);
  return {
    env: {
      API: {
        async fetch(request: Request): Promise<Response> {
          const url = new URL(request.url);
          const headers = new Headers(request.headers);
          // A Cloudflare header means nothing here; the address comes from CloudFront (below).
          headers.delete("cf-connecting-ip");
          headers.delete("host");
          // Bodies are relayed, never decoded and re-encoded on the way.
          headers.set("accept-encoding", "identity");
          headers.set(FORWARDED_HOST_HEADER, publicUrl.host);
          headers.set("x-forwarded-proto", publicUrl.protocol.slice(0, -1));
          headers.set(CLIENT_IP_HEADER, from.clientAddress);
          if (edgeToken) headers.set(EDGE_TOKEN_HEADER, edgeToken);
          else headers.delete(EDGE_TOKEN_HEADER);
          const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
          const init: RequestInit & { duplex?: "half" } = { method: request.method, headers, redirect: "manual", ...(hasBody ? { body: request.body, duplex: "half" } : {}) };
          return fetchImpl(new URL(url.pathname + url.search, api), init);
        },
      },
    },
  };
}
