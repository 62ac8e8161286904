import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkUrl, isAllowedAddress } from "./address-policy.ts";
import { checkTarget, safeFetch, UNREACHABLE_TEXT, UnreachableError, UrlFormError, type Outbound } from "./safe-fetch.ts";

const host = (u: string) => checkUrl(new URL(u));

/** Every spelling of a non-public target the policy must refuse (the list and more). */
export const REFUSED_URLS = [
  "http://localhost:8787/api/v1",
  "http://LOCALHOST./api/v1",
  "http://api.localhost/api/v1",
  "http://127.0.0.1/api/v1",
  "http://127.1/api/v1",
  "http://2130706433/api/v1",
  "http://0x7f000001/api/v1",
  "http://0177.0.0.1/api/v1",
  "http://127.255.255.254:8080/",
  "http://[::1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::127.0.0.1]/",
  "http://[64:ff9b::127.0.0.1]/",
  "http://[2002:7f00:1::]/",
  "http://[2001::1]/",
  "http://[::]/",
  "http://0.0.0.0/",
  "http://0/",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:169.254.169.254]/",
  "http://[fd00:ec2::254]/",
  "http://10.0.0.1/",
  "http://172.16.5.4/",
  "http://172.31.255.255/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://198.18.0.1/",
  "http://192.0.2.1/",
  "http://198.51.100.7/",
  "http://203.0.113.7/",
  "http://224.0.0.1/",
  "http://255.255.255.255/",
  "http://240.0.0.1/",
  "http://[fc00::1]/",
  "http://[fe80::1]/",
  "http://[ff02::1]/",
  "http://[2001:db8::1]/",
  "http://intranet/",
  "http://printer.local/",
  "http://db.internal/",
  "http://nas.home.arpa/",
];

describe("address policy: the form and host of a URL", () => {
  it.each(REFUSED_URLS)("refuses %s as a host problem (no form error that would tell it apart)", (u) => {
    expect(host(u)).toEqual({ ok: false, problem: "host" });
  });

  it.each(["https://wakatime.com/api/v1", "https://wakapi.dev/api/compat/wakatime/v1", "http://1.1.1.1:8080/", "https://[2606:4700:4700::1111]/", "https://[::ffff:8.8.8.8]/", "https://kodo.example.org:3000/"])("allows the public %s", (u) => {
    expect(host(u).ok).toBe(true);
  });

  it("allows only http(s), default ports, 80, 443 and ports from 1024 up, without credentials", () => {
    for (const u of ["ftp://wakatime.com/", "file:///etc/passwd", "gopher://wakatime.com/", "http://wakatime.com:22/", "https://wakatime.com:25/", "http://wakatime.com:1023/", "http://u:p@wakatime.com/"]) {
      expect(host(u), u).toMatchObject({ ok: false, problem: "form" });
    }
    for (const u of ["http://wakatime.com:80/", "http://wakatime.com:443/", "http://wakatime.com:1024/", "http://wakatime.com:65535/"]) expect(host(u).ok, u).toBe(true);
  });

  it("lets loopback through only with allowLoopback, and nothing else private", () => {
    for (const u of ["http://127.0.0.1:9000/", "http://localhost:3000/", "http://[::1]:3000/", "http://127.1:3000/"]) {
      expect(checkUrl(new URL(u), { allowLoopback: true }).ok, u).toBe(true);
    }
    for (const u of ["http://10.0.0.1/", "http://169.254.169.254/", "http://[fe80::1]/", "http://printer.local/"]) {
      expect(checkUrl(new URL(u), { allowLoopback: true }).ok, u).toBe(false);
    }
  });

  it("refuses every IPv4 address in a non-public range, however the URL spells it", () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(0), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.integer({ min: 224, max: 255 }), fc.nat(255), fc.nat(255), fc.nat(255)),
    );
    const spellings = (o: number[]) => {
      const n = ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
      return [o.join("."), String(n), `0x${n.toString(16)}`, o.map((x) => `0${x.toString(8)}`).join("."), `${o[0]}.${(o[1]! << 16) + (o[2]! << 8) + o[3]!}`, `[::ffff:${o.join(".")}]`];
    };
    fc.assert(
      fc.property(privateV4, (o) => {
        for (const s of spellings(o)) expect(host(`http://${s}:8080/`), s).toEqual({ ok: false, problem: "host" });
      }),
    );
  });

  it("allows public unicast IPv4 and judges resolved addresses with the same ranges", () => {
    const publicV4 = fc
      .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
      .filter(([a, b]) => ![10, 127, 0, 100, 169, 172, 192, 198, 203].includes(a) || (a === 172 && (b < 16 || b > 31)) || (a === 100 && (b < 64 || b > 127)));
    fc.assert(
      fc.property(publicV4, (o) => {
        const ip = o.join(".");
        expect(isAllowedAddress(ip), ip).toBe(true);
        expect(isAllowedAddress(`::ffff:${ip}`), ip).toBe(true);
        expect(host(`https://${ip}/`).ok).toBe(true);
      }),
    );
    for (const bad of ["", "not-an-ip", "10.0.0.1", "::1", "fd12::1", "999.1.1.1"]) expect(isAllowedAddress(bad), bad).toBe(false);
  });
});

/** A fake network: a resolver table and a fetch that records every connection it is asked for. */
function fakeNet(dns: Record<string, string[]>, answer: (url: string, init?: RequestInit) => Response = () => Response.json({ ok: true })) {
  const connections: string[] = [];
  const outbound: Outbound = {
    resolver: {
      resolve: async (h) => {
        if (!(h in dns)) throw new Error(`ENOTFOUND ${h}`);
        return dns[h]!;
      },
    },
    fetch: async (url, init) => {
      connections.push(url);
      return answer(url, init);
    },
  };
  return { outbound, connections };
}

describe("safeFetch: every hop under the policy, one error text", () => {
  it("refuses a host name when any address it resolves to is not public, without connecting", async () => {
    const { outbound, connections } = fakeNet({ "evil.example.com": ["93.184.216.34", "10.0.0.5"], "meta.example.com": ["169.254.169.254"], "six.example.com": ["::1"] });
    for (const u of ["https://evil.example.com/", "https://meta.example.com/", "https://six.example.com/", "https://nowhere.example.com/"]) {
      await expect(safeFetch(outbound, u), u).rejects.toThrow(UNREACHABLE_TEXT);
    }
    expect(connections).toEqual([]);
  });

  it("follows a public redirect, refuses one to loopback or metadata, and gives the same text", async () => {
    const { outbound, connections } = fakeNet({ "a.example.com": ["93.184.216.34"], "b.example.com": ["93.184.216.35"], "rebind.example.com": ["127.0.0.1"] }, (url) => {
      const to = new URL(url).searchParams.get("to");
      return to ? new Response(null, { status: 302, headers: { location: to } }) : Response.json({ at: url });
    });
    const ok = await safeFetch(outbound, "https://a.example.com/x?to=https://b.example.com/y");
    expect(await ok.json()).toEqual({ at: "https://b.example.com/y" });
    connections.length = 0;
    for (const to of ["http://127.0.0.1:8787/", "http://localhost/", "http://[::1]/", "http://169.254.169.254/latest/", "http://rebind.example.com/", "ftp://b.example.com/", "http://b.example.com:22/"]) {
      const err = await safeFetch(outbound, `https://a.example.com/?to=${encodeURIComponent(to)}`).catch((e: unknown) => e);
      expect(err, to).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toBe(UNREACHABLE_TEXT);
    }
    // Only the public first hop was ever connected to.
    expect(new Set(connections.map((u) => new URL(u).host))).toEqual(new Set(["a.example.com"]));
  });

  it("stops after five redirects and drops the Authorization header when the origin changes", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const { outbound } = fakeNet({ "a.example.com": ["93.184.216.34"], "b.example.com": ["93.184.216.35"] }, (url, init) => {
      seen.push({ url, auth: new Headers(init?.headers).get("authorization") });
      const n = Number(new URL(url).searchParams.get("n"));
      return n > 0 ? new Response(null, { status: 301, headers: { location: `https://${n % 2 ? "b" : "a"}.example.com/?n=${n - 1}` } }) : Response.json({});
    });
    const res = await safeFetch(outbound, "https://a.example.com/?n=3", { headers: { authorization: "Basic x" } });
    expect(res.status).toBe(200);
    // a -> b -> a -> b: once it has left the first origin, the key never travels again.
    expect(seen.map((s) => [new URL(s.url).host, s.auth])).toEqual([["a.example.com", "Basic x"], ["b.example.com", null], ["a.example.com", null], ["b.example.com", null]]);
    await expect(safeFetch(outbound, "https://a.example.com/?n=6")).rejects.toThrow(UNREACHABLE_TEXT);
  });

  it("answers a failure to connect (DNS, refused, timeout, TLS) with the same text", async () => {
    const outbound: Outbound = { resolver: { resolve: async () => ["93.184.216.34"] }, fetch: async () => Promise.reject(new TypeError("connect ECONNREFUSED 93.184.216.34:443")) };
    await expect(safeFetch(outbound, "https://a.example.com/")).rejects.toThrow(new UnreachableError());
    const failingDns: Outbound = { resolver: { resolve: () => Promise.reject(new Error("SERVFAIL")) }, fetch: async () => Response.json({}) };
    await expect(safeFetch(failingDns, "https://a.example.com/")).rejects.toThrow(UNREACHABLE_TEXT);
    const empty: Outbound = { resolver: { resolve: async () => [] }, fetch: async () => Response.json({}) };
    await expect(safeFetch(empty, "https://a.example.com/")).rejects.toThrow(UNREACHABLE_TEXT);
  });

  it("tells the user about a URL's form (scheme, port) but not about its host", async () => {
    const { outbound } = fakeNet({});
    await expect(checkTarget(new URL("http://wakatime.com:25/"), outbound)).rejects.toBeInstanceOf(UrlFormError);
    await expect(checkTarget(new URL("http://127.0.0.1:25/"), outbound)).rejects.toBeInstanceOf(UrlFormError);
    await expect(checkTarget(new URL("http://127.0.0.1:8080/"), outbound)).rejects.toBeInstanceOf(UnreachableError);
  });
});
