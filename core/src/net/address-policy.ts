/**
 * The one address policy for every fetch of a URL a user gave us (remote import today): Kodo
 * must not reach what the user could not. On AWS the Lambda can reach the instance metadata
 * service (169.254.169.254) and the VPC; on any platform an open loopback port is someone's
 * admin interface. So a user-given URL may name only a public host:
 *
 * - scheme http: or https:, no credentials;
 * - port: the scheme's default, 80, 443, or any explicit port from 1024 up (self-hosted Wakapi
 *   and Kodo servers listen on ports like 3000 or 8787); ports 1-1023 other than 80 and 443
 *   are system services (ssh, smtp, ...) that no WakaTime-compatible API listens on;
 * - host: parsed by the WHATWG URL parser first, which turns every IPv4 spelling (127.1,
 *   2130706433, 0x7f000001, 0177.0.0.1) into its dotted form, so one check sees them all;
 *   a literal address must be public unicast (ipaddr.js classifies the ranges); a name must
 *   not be `localhost`, `*.localhost`, a single label, or a name under a local-only suffix;
 * - and every address the name resolves to must be public (checked by the caller through the
 *   Resolver port, see safe-fetch.ts).
 *
 * `allowLoopback` (local development only, KODO_ALLOW_LOOPBACK_IMPORT=1) additionally lets
 * through loopback addresses and the localhost names, nothing else that is private.
 */
import ipaddr from "ipaddr.js";

export interface AddressPolicyOptions {
  /** Also allow 127.0.0.0/8, ::1 and localhost (local development; off by default). */
  allowLoopback?: boolean;
}

/** Suffixes that only mean something on a local network (RFC 6762, 6761, 8375, common usage). */
const LOCAL_SUFFIXES = [".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet"];

/** Why a URL was refused; shown to the user only for problems of the URL's form (not its host). */
export type UrlVerdict = { ok: true; host: string; literal: boolean } | { ok: false; problem: "form"; error: string } | { ok: false; problem: "host" };

/** Checks a parsed URL's scheme, credentials, port and host form (not yet its resolved addresses). */
export function checkUrl(url: URL, opts: AddressPolicyOptions = {}): UrlVerdict {
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: "form", error: "must be http(s)" };
  if (url.username || url.password) return { ok: false, problem: "form", error: "must not contain credentials" };
  if (url.port !== "" && !portAllowed(Number(url.port))) return { ok: false, problem: "form", error: "port must be 80, 443 or from 1024 up" };
  const host = bareHost(url.hostname);
  if (host === "") return { ok: false, problem: "host" };
  if (ipaddr.isValid(host)) return isAllowedAddress(host, opts) ? { ok: true, host, literal: true } : { ok: false, problem: "host" };
  return hostNameAllowed(host, opts) ? { ok: true, host, literal: false } : { ok: false, problem: "host" };
}

export function portAllowed(port: number): boolean {
  return Number.isInteger(port) && (port === 80 || port === 443 || (port >= 1024 && port <= 65535));
}

/** "[::1]" -> "::1"; a trailing dot ("example.com.") names the same host. */
export function bareHost(hostname: string): string {
  const h = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return h.toLowerCase().replace(/\.$/, "");
}

export function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

/** A host name (not an address) that may be resolved at all. */
export function hostNameAllowed(host: string, opts: AddressPolicyOptions = {}): boolean {
  if (isLoopbackName(host)) return opts.allowLoopback === true;
  if (!host.includes(".")) return false;
  return !LOCAL_SUFFIXES.some((s) => host.endsWith(s));
}

/** True for a public unicast address; also loopback when `allowLoopback`. Garbage -> false. */
export function isAllowedAddress(address: string, opts: AddressPolicyOptions = {}): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(bareHost(address));
  } catch {
    return false;
  }
  if (opts.allowLoopback && ip.range() === "loopback") return true;
  if (ip.kind() === "ipv4") return ip.range() === "unicast";
  const v6 = ip as ipaddr.IPv6;
  // Forms that embed an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64
  // 64:ff9b::/96, 6to4, Teredo, SIIT) are judged by the embedded address: only a public
  // IPv4 passes, and only for the mapped form, which connects to exactly that address.
  if (v6.isIPv4MappedAddress()) return isAllowedAddress(v6.toIPv4Address().toString(), opts);
  // Global unicast is 2000::/3; range() calls the rest of the space "unicast" too.
  return v6.range() === "unicast" && (v6.parts[0]! & 0xe000) === 0x2000;
}
