/**
 * Remote import under the address policy, inside workerd with the real D1 and Durable Object:
 * the worker's own Outbound (cloudflareOutbound: DoH resolver, the loopback switch) with its
 * fetch injected, so the test sees every connection the import would make and plays the DNS
 * and the public servers. Every non-public target is refused with the same text as a server
 * that does not answer, and nothing connects to it.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApi } from "@kodo/core/http";
import { UNREACHABLE_TEXT, type FetchFn } from "@kodo/core";
import { d1Accounts } from "../src/stores/accounts.ts";
import { cloudflareActivity } from "../src/stores/activity.ts";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";
import { cloudflareActivityAdmin } from "../src/stores/activity-admin.ts";
import { cloudflareOutbound } from "../src/outbound.ts";
import { aUser, basic, freshStorage } from "./helpers.ts";

const DOH = "https://doh.test/dns-query";
/** The test's DNS: name -> addresses (A and AAAA answered from the same list). */
const DNS: Record<string, string[]> = {
  "public.example.com": ["93.184.216.34"],
  "mixed.example.com": ["93.184.216.34", "10.1.2.3"],
  "metadata.example.com": ["169.254.169.254"],
  "loop.example.com": ["127.0.0.1"],
  "v6loop.example.com": ["::1"],
  "ula.example.com": ["fd00::5"],
};

/** Every connection attempt, in order (DoH queries included). */
let connections: string[];

/**
 * The injected network: DoH answers from DNS; public.example.com is a public server whose
 * `/redirect?to=` answers a 302 there, and whose API answers an empty history; anything else
 * fails like a closed port would.
 */
const network: FetchFn = async (input) => {
  connections.push(input);
  const url = new URL(input);
  if (url.origin === new URL(DOH).origin) {
    const name = url.searchParams.get("name")!;
    const v6 = url.searchParams.get("type") === "AAAA";
    const answers = (DNS[name] ?? []).filter((a) => a.includes(":") === v6).map((data) => ({ name, type: v6 ? 28 : 1, TTL: 60, data }));
    return Response.json({ Status: name in DNS ? 0 : 3, Answer: answers });
  }
  if (url.hostname === "public.example.com") {
    const to = url.searchParams.get("to");
    if (to) return new Response(null, { status: 302, headers: { location: to } });
    return Response.json({ data: { total_seconds: 0, range: {} } });
  }
  throw new TypeError(`connect ECONNREFUSED ${url.host}`);
};

function appWith(vars: Record<string, string>, net: FetchFn = network) {
  return createApi({
    ports: () => ({
      accounts: d1Accounts(env.DB),
      activity: cloudflareActivity(env),
      now: () => Date.now() / 1000,
      accountAdmin: d1AccountAdmin(env.DB),
      activityAdmin: cloudflareActivityAdmin(env),
      outbound: cloudflareOutbound({ KODO_DOH_URL: DOH, ...vars }, net),
    }),
  });
}

async function startImport(app: ReturnType<typeof appWith>, key: string, url: string) {
  const res = await app.request("/api/kodo/account/imports", { method: "POST", headers: { authorization: basic(key), "content-type": "application/json" }, body: JSON.stringify({ url, api_key: "remote-key" }) });
  return { status: res.status, body: (await res.json()) as { error?: string; data?: { status: string } } };
}

const REFUSED = [
  "http://localhost:8787/api/v1",
  "http://127.1:8787/api/v1",
  "http://2130706433:8787/api/v1",
  "http://0x7f000001:8787/api/v1",
  "http://[::1]:8787/api/v1",
  "http://[::ffff:127.0.0.1]:8787/api/v1",
  "http://169.254.169.254/latest/meta-data",
  "http://10.0.0.1/api/v1",
  "http://192.168.0.10:3000/api/v1",
  "http://[fe80::1]/api/v1",
  "http://wakapi/api/v1",
  "http://wakapi.internal/api/v1",
];

describe("remote import refuses what the user could not reach (workerd)", () => {
  beforeEach(async () => {
    await freshStorage();
    connections = [];
  });

  it.each(REFUSED)("refuses %s with the unreachable text, connecting nowhere, storing no job", async (url) => {
    const u = await aUser();
    const res = await startImport(appWith({}), u.key, url);
    expect(res).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
    expect(connections).toEqual([]);
    const jobs = await env.DB.prepare("SELECT count(*) AS n FROM import_jobs WHERE user_id = ?").bind(u.id).first<{ n: number }>();
    expect(jobs?.n).toBe(0);
  });

  it.each(["mixed.example.com", "metadata.example.com", "loop.example.com", "v6loop.example.com", "ula.example.com", "nxdomain.example.com"])(
    "refuses %s, whose DNS answer holds a non-public address (or none), asking only the resolver",
    async (host) => {
      const u = await aUser();
      const res = await startImport(appWith({}), u.key, `https://${host}/api/v1`);
      expect(res).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
      expect(connections.every((c) => c.startsWith(`${DOH}?name=${host}&type=`))).toBe(true);
      expect(connections.length).toBe(2);
    },
  );

  it.each(["http://127.0.0.1:8787/api/v1", "http://localhost/", "http://169.254.169.254/latest/meta-data/", "http://loop.example.com/", "http://[::ffff:10.0.0.1]/", "http://public.example.com:25/"])(
    "refuses a public server's redirect to %s, never following it",
    async (to) => {
      const u = await aUser();
      // public.example.com answers every call with a redirect to `to`.
      const redirecting: FetchFn = (input, init) => (new URL(input).hostname === "public.example.com" ? network(`https://public.example.com/r?to=${encodeURIComponent(to)}`, init) : network(input, init));
      const res = await startImport(appWith({}, redirecting), u.key, "https://public.example.com/api/v1");
      expect(res).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
      const servers = connections.filter((c) => !c.startsWith(DOH)).map((c) => new URL(c).host);
      expect(servers).toEqual(["public.example.com"]);
    },
  );

  it("answers a closed port on a public server with the same text as a refused address", async () => {
    DNS["closed.example.com"] = ["93.184.216.40"];
    const u = await aUser();
    const res = await startImport(appWith({}), u.key, "https://closed.example.com:8443/api/v1");
    expect(res).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
    expect(connections.filter((c) => !c.startsWith(DOH))).toEqual(["https://closed.example.com:8443/api/v1/users/current/all_time_since_today"]);
  });

  it("tries loopback only when KODO_ALLOW_LOOPBACK_IMPORT=1 (local development), and never private ranges", async () => {
    const u = await aUser();
    expect(await startImport(appWith({}), u.key, "http://127.0.0.1:9999/api/v1")).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
    expect(connections).toEqual([]);
    const dev = appWith({ KODO_ALLOW_LOOPBACK_IMPORT: "1" });
    expect((await startImport(dev, u.key, "http://127.0.0.1:9999/api/v1")).status).toBe(422);
    expect(connections).toEqual(["http://127.0.0.1:9999/api/v1/users/current/all_time_since_today"]);
    connections = [];
    for (const url of ["http://10.0.0.1/api/v1", "http://169.254.169.254/", "https://metadata.example.com/"]) {
      expect(await startImport(dev, u.key, url), url).toEqual({ status: 422, body: { error: UNREACHABLE_TEXT } });
    }
    expect(connections.filter((c) => !c.startsWith(DOH))).toEqual([]);
  });

  it("tells the user when the URL itself is wrong (scheme, port, credentials) with a 400", async () => {
    const u = await aUser();
    for (const [url, error] of [
      ["ftp://wakatime.com/api/v1", "url: must be http(s)"],
      ["http://wakatime.com:22/api/v1", "url: port must be 80, 443 or from 1024 up"],
      ["https://me:pw@wakatime.com/api/v1", "url: must not contain credentials (give the API key separately)"],
    ]) {
      expect(await startImport(appWith({}), u.key, url!), url).toEqual({ status: 400, body: { error } });
    }
    expect(connections).toEqual([]);
  });
});
