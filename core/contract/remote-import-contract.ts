/**
 * Contract: remote import (POST /api/kodo/account/imports) must not reach what the user could
 * not. A real server listens on loopback (as an admin interface on the host would); every
 * spelling of it, the metadata address and private ranges are refused with the same text as
 * a server that does not answer, and that server sees no request. Platforms run this suite
 * without KODO_ALLOW_LOOPBACK_IMPORT (off by default).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "./client.ts";
import type { ContractTarget } from "./target.ts";

/** The one text for every failure to connect (core/src/net/safe-fetch.ts UNREACHABLE_TEXT). */
const UNREACHABLE = "Could not connect to the server";

export function defineRemoteImportContract(getTarget: () => ContractTarget): void {
  describe("remote import address policy", () => {
    let server: http.Server;
    let port = 0;
    const seen: string[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        seen.push(req.url ?? "");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { total_seconds: 0, range: {} } }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

    it("refuses loopback in every spelling, metadata and private addresses with one text; nothing reaches the server", async () => {
      const target = getTarget();
      const { key } = await target.createUser();
      const u = clientFor(target, key);
      const urls = refusedImportUrls(port);
      for (const url of urls) {
        const res = await u.post("/api/kodo/account/imports", { url, api_key: "k" });
        expect({ url, status: res.status, json: res.json }).toEqual({ url, status: 422, json: { error: UNREACHABLE } });
      }
      expect(seen).toEqual([]);
      const jobs = await u.getJson("/api/kodo/account/imports");
      expect(jobs.data).toEqual([]);
    });

    it("names a URL's form problem (scheme, port) with a 400", async () => {
      const target = getTarget();
      const { key } = await target.createUser();
      const u = clientFor(target, key);
      const res = await u.post("/api/kodo/account/imports", { url: "http://wakatime.com:22/api/v1", api_key: "k" });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe("url: port must be 80, 443 or from 1024 up");
    });
  });
}

/**
 * Addresses a remote import must refuse, every one with the same text: loopback in each
 * spelling the URL parser normalises (on `port`, where a test server listens), cloud metadata
 * (IPv4 and AWS's IPv6 one) and private ranges.
 */
export function refusedImportUrls(port: number): string[] {
  return [
    `http://localhost:${port}/api/v1`,
    `http://127.0.0.1:${port}/api/v1`,
    `http://127.1:${port}/api/v1`,
    `http://2130706433:${port}/api/v1`,
    `http://0x7f000001:${port}/api/v1`,
    `http://[::1]:${port}/api/v1`,
    `http://[::ffff:127.0.0.1]:${port}/api/v1`,
    "http://169.254.169.254/latest/meta-data",
    "http://[fd00:ec2::254]/latest/meta-data",
    "http://10.0.0.1/api/v1",
    "http://192.168.1.1:8080/api/v1",
  ];
}
