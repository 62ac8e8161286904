/**
 * Outbound fetches of user-given URLs on AWS (remote import), through core's address policy
 * (core/src/net). On Lambda this matters most: the function can reach the instance metadata
 * endpoint (169.254.169.254) and, in a VPC, private hosts.
 *
 * Host names are resolved with node:dns `lookup(host, { all: true })` (what connecting would
 * use) and every address must be public. To close DNS rebinding (a name answering a public
 * address to the check and a private one to the connection), the fetch itself (undici, with
 * its own connection pool) connects through a lookup that applies the same policy to the
 * addresses it is about to connect to: a connection to a non-public address is never opened,
 * whatever the first answer was. Literal addresses are checked by the policy before fetch.
 *
 * KODO_ALLOW_LOOPBACK_IMPORT=1 (local runs only; the template never sets it) also allows
 * loopback, for importing from a server on the same machine.
 */
import dns from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";
import { isAllowedAddress, type AddressPolicyOptions, type FetchFn, type Outbound } from "@kodo/core";

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** node:dns lookup's callback form (what net.connect calls). */
export type LookupFn = (hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemLookup: LookupFn = (hostname, options, callback) => dns.lookup(hostname, options, callback);

export function lambdaOutbound(env: { KODO_ALLOW_LOOPBACK_IMPORT?: string }, lookup: LookupFn = systemLookup): Outbound {
  const policy: AddressPolicyOptions = { allowLoopback: env.KODO_ALLOW_LOOPBACK_IMPORT === "1" };
  return {
    ...policy,
    resolver: {
      resolve: (host) =>
        new Promise((resolve, reject) => lookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address))))),
    },
    fetch: guardedFetch(policy, lookup),
  };
}

/** undici's fetch over an Agent whose connections only ever go to addresses the policy allows. */
export function guardedFetch(policy: AddressPolicyOptions, lookup: LookupFn = systemLookup): FetchFn {
  const checkedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0 || !addresses.every((a) => isAllowedAddress(a.address, policy))) {
        return callback(Object.assign(new Error(`${hostname}: address not allowed`), { code: "EADDRNOTALLOWED" }), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const agent = new Agent({ connect: { lookup: checkedLookup } as Record<string, unknown> });
  return (input, init) => undiciFetch(input, { ...(init as Record<string, unknown>), dispatcher: agent }) as unknown as Promise<Response>;
}
