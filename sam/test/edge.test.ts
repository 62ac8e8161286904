/**
 * Who the functions believe is asking (src/edge.ts), and the site's API fetcher
 * (src/site-platform.ts): what a Cloudflare service binding does, over the HTTP API.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER, FORWARDED_HOST_HEADER, caller } from "../src/edge.ts";
import { apiBinding } from "../src/site-platform.ts";

const TOKEN = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

describe("caller", () => {
  const vouched = { [CLIENT_IP_HEADER]: "203.0.113.9", [FORWARDED_HOST_HEADER]: "kodo.example" };
  it("believes the viewer's address and host only with the stack's edge token", () => {
    expect(caller({ ...vouched, [EDGE_TOKEN_HEADER]: TOKEN }, "198.51.100.1", TOKEN)).toEqual({ clientIp: "203.0.113.9", forwardedHost: "kodo.example" });
    expect(caller({ ...vouched, [EDGE_TOKEN_HEADER]: "guess" }, "198.51.100.1", TOKEN)).toEqual({ clientIp: "198.51.100.1", forwardedHost: null });
    expect(caller(vouched, "198.51.100.1", TOKEN)).toEqual({ clientIp: "198.51.100.1", forwardedHost: null });
    // No token configured (or a short one): nothing is believed, even an empty header "matching" it.
    expect(caller({ ...vouched, [EDGE_TOKEN_HEADER]: "" }, "198.51.100.1", "")).toEqual({ clientIp: "198.51.100.1", forwardedHost: null });
    expect(caller({ ...vouched, [EDGE_TOKEN_HEADER]: "short" }, "198.51.100.1", "short")).toEqual({ clientIp: "198.51.100.1", forwardedHost: null });
  });
});

describe("the site's API fetcher", () => {
  it("sends the request to the API with its method, headers and body, says who asks, and hands back redirects and cookies untouched", async () => {
    const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(302, { location: "/elsewhere", "set-cookie": ["a=1; Path=/; HttpOnly", "b=2; Path=/"] });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const platform = apiBinding(api, { origin: "https://kodo.example", clientAddress: "203.0.113.9" }, TOKEN);
      const res = await platform.env.API.fetch(
        new Request("https://kodo.example/api/kodo/account/keys?x=1", {
          method: "POST",
          headers: { cookie: "kodo.session_token=abc", origin: "https://kodo.example", "cf-connecting-ip": "6.6.6.6", [CLIENT_IP_HEADER]: "6.6.6.6", "content-type": "application/json" },
          body: JSON.stringify({ label: "x" }),
        }),
      );
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/elsewhere");
      expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/"]);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: "POST", url: "/api/kodo/account/keys?x=1", body: '{"label":"x"}' });
      expect(seen[0]!.headers).toMatchObject({ cookie: "kodo.session_token=abc", origin: "https://kodo.example", [CLIENT_IP_HEADER]: "203.0.113.9", [FORWARDED_HOST_HEADER]: "kodo.example", "x-forwarded-proto": "https", [EDGE_TOKEN_HEADER]: TOKEN });
      expect(seen[0]!.headers["cf-connecting-ip"]).toBeUndefined();

      // Without a token (no stack), no claim is made the API could believe.
      await apiBinding(api, { origin: "http://127.0.0.1:1", clientAddress: "127.0.0.1" }, undefined).env.API.fetch(new Request("http://127.0.0.1:1/api/health", { headers: { [EDGE_TOKEN_HEADER]: "forged" } }));
      expect(seen[1]!.headers[EDGE_TOKEN_HEADER]).toBeUndefined();
      expect(seen[1]).toMatchObject({ method: "GET", url: "/api/health" });
    } finally {
      server.close();
    }
  });
});
