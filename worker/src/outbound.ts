/**
 * Outbound fetches of user-given URLs on Cloudflare (remote import), through core's address
 * policy (core/src/net). Vars:
 * | KODO_ALLOW_LOOPBACK_IMPORT = "1" | local development: also allow loopback (127.0.0.0/8, ::1, localhost); off by default |
 * | KODO_DOH_URL | the DNS-over-HTTPS JSON endpoint used to check host names (default https://cloudflare-dns.com/dns-query) |
 *
 * Host names are resolved with DNS over HTTPS (the JSON API, A and AAAA), because Workers have
 * no DNS API; every address must be public before the Worker's own fetch connects. That fetch
 * resolves the name again (DNS rebinding could answer differently the second time); on
 * Cloudflare's network that residual is closed by the platform: a Worker's outbound fetch
 * goes out through Cloudflare's edge to the public Internet and cannot reach the host's
 * private networks or metadata services. Locally (wrangler dev) fetch is the machine's, which
 * is why loopback stays refused unless the switch above is on.
 */
import { cappedText, type FetchFn, type Outbound, type Resolver } from "@kodo/core";

export const DEFAULT_DOH_URL = "https://cloudflare-dns.com/dns-query";
const DOH_TIMEOUT_MS = 5_000;
const MAX_DOH_ANSWER_BYTES = 65_536;
/** DNS record types in DoH JSON answers: A and AAAA (CNAMEs in between are skipped). */
const ADDRESS_TYPES = new Set([1, 28]);

type Vars = Record<string, unknown>;

export function cloudflareOutbound(env: Vars, fetchFn: FetchFn = (input, init) => fetch(input, init)): Outbound {
  const doh = typeof env.KODO_DOH_URL === "string" && env.KODO_DOH_URL !== "" ? env.KODO_DOH_URL : DEFAULT_DOH_URL;
  return { fetch: fetchFn, resolver: dohResolver(doh, fetchFn), allowLoopback: env.KODO_ALLOW_LOOPBACK_IMPORT === "1" };
}

/** A Resolver over a DNS-over-HTTPS JSON endpoint (Cloudflare's, Google's dns.google/resolve). */
export function dohResolver(endpoint: string, fetchFn: FetchFn): Resolver {
  const query = async (name: string, type: "A" | "AAAA"): Promise<string[]> => {
    const url = `${endpoint}?name=${encodeURIComponent(name)}&type=${type}`;
    const res = await fetchFn(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(DOH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`DoH answered ${res.status}`);
    const body = JSON.parse(await cappedText(res, MAX_DOH_ANSWER_BYTES)) as { Status?: unknown; Answer?: unknown };
    if (body.Status !== 0 || !Array.isArray(body.Answer)) return [];
    return body.Answer.filter((a): a is { type: number; data: string } => ADDRESS_TYPES.has((a as { type?: number })?.type ?? 0) && typeof (a as { data?: unknown }).data === "string").map((a) => a.data);
  };
  return {
    async resolve(host) {
      const [v4, v6] = await Promise.all([query(host, "A"), query(host, "AAAA")]);
      return [...v4, ...v6];
    },
  };
}
