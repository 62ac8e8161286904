/**
 * fetch for user-given URLs: every hop (the URL and each redirect target) goes through the
 * address policy (address-policy.ts) and the Resolver port before any connection is made;
 * redirects are followed by hand (at most MAX_REDIRECTS), and every way of not getting an HTTP
 * answer (refused address, DNS failure, closed or filtered port, timeout, TLS) throws the same
 * UnreachableError with the same text, so error messages cannot be used to map a network.
 *
 * The platform gives the ports (Ports.outbound): its fetch, its resolver, and whether loopback
 * is allowed. What is left between our check and the platform's own resolution when it
 * connects (DNS rebinding) is the platform's to close: the SAM fetch re-applies the policy to
 * the address it connects to (sam/src/outbound.ts); Cloudflare's outbound fetch cannot reach
 * private networks at all (worker/src/outbound.ts).
 */
import { checkUrl, isAllowedAddress, isLoopbackName, type AddressPolicyOptions } from "./address-policy.ts";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Resolves a host name to its IPv4 and IPv6 addresses; throws or returns [] when it cannot. */
export interface Resolver {
  resolve(host: string): Promise<string[]>;
}

/** What a platform gives for fetches of user-given URLs. */
export interface Outbound extends AddressPolicyOptions {
  fetch: FetchFn;
  resolver: Resolver;
}

/** The one text for every failure to reach a server, whatever the cause. */
export const UNREACHABLE_TEXT = "Could not connect to the server";

export class UnreachableError extends Error {
  constructor() {
    super(UNREACHABLE_TEXT);
  }
}

/** A URL of the wrong form (scheme, credentials, port): safe to tell the user exactly. */
export class UrlFormError extends Error {}

export const MAX_REDIRECTS = 5;

/** Checks the URL's form, host and resolved addresses; throws UrlFormError or UnreachableError. */
export async function checkTarget(url: URL, outbound: Outbound): Promise<void> {
  const verdict = checkUrl(url, outbound);
  if (!verdict.ok) {
    if (verdict.problem === "form") throw new UrlFormError(verdict.error);
    throw new UnreachableError();
  }
  if (verdict.literal || (outbound.allowLoopback && isLoopbackName(verdict.host))) return;
  let addresses: string[];
  try {
    addresses = await outbound.resolver.resolve(verdict.host);
  } catch {
    throw new UnreachableError();
  }
  if (addresses.length === 0 || !addresses.every((a) => isAllowedAddress(a, outbound))) throw new UnreachableError();
}

/**
 * Fetches `input` under the policy. A redirect to another origin drops the Authorization
 * header for good (as browsers do), so a server cannot bounce the user's remote key elsewhere.
 */
export async function safeFetch(outbound: Outbound, input: string, init: RequestInit = {}): Promise<Response> {
  let url = parse(input);
  const headers = new Headers(init.headers);
  for (let hop = 0; ; hop++) {
    try {
      await checkTarget(url, outbound);
    } catch (err) {
      // The first URL's form is the user's to fix; a redirect's is the server's doing.
      if (hop > 0 && err instanceof UrlFormError) throw new UnreachableError();
      throw err;
    }
    if (hop > 0 && url.origin !== parse(input).origin) headers.delete("authorization");
    let res: Response;
    try {
      res = await outbound.fetch(url.href, { ...init, headers, redirect: "manual" });
    } catch {
      throw new UnreachableError();
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (location === null) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw new UnreachableError();
    url = parse(location, url);
  }
}

function parse(input: string, base?: URL): URL {
  try {
    return new URL(input, base);
  } catch {
    throw new UnreachableError();
  }
}
