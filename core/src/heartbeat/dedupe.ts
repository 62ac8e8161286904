/**
 * The dedupe key: two heartbeats with the same key are the same event (a retry, or an
 * offline queue sent twice) and are stored once. The fields are the ones DESIGN.md names;
 * editor, OS, machine and positions are left out on purpose, since the same event re-sent
 * through another route (header vs. body user agent) must still collide.
 */
import type { Heartbeat } from "../types.ts";

/** Bump when the material changes: keys of different versions must never be compared. */
const VERSION = "kodo-dedupe-v1";

/**
 * The exact bytes hashed. A JSON array keeps field boundaries unambiguous (a "|" in a branch
 * name cannot shift a field), and JSON's escaping is total. Time is compared in whole
 * milliseconds, the precision Kodo stores.
 */
export function dedupeKeyMaterial(userId: string, hb: Heartbeat): string {
  return JSON.stringify([
    VERSION,
    userId,
    hb.entity,
    hb.type,
    hb.category,
    hb.project,
    hb.branch,
    hb.language,
    hb.isWrite,
    Math.round(hb.time * 1000),
  ]);
}

/** Hex of the first 16 bytes of SHA-256(material): 128 bits, ample against collisions. */
export async function dedupeKey(userId: string, hb: Heartbeat): Promise<string> {
  return keyHex(await crypto.subtle.digest("SHA-256", encoder.encode(dedupeKeyMaterial(userId, hb))));
}

/** The keys of a whole batch, in order: the digests run side by side, without a frame each. */
export async function dedupeKeys(userId: string, heartbeats: readonly Heartbeat[]): Promise<string[]> {
  const digests = await Promise.all(heartbeats.map((hb) => crypto.subtle.digest("SHA-256", encoder.encode(dedupeKeyMaterial(userId, hb)))));
  return digests.map(keyHex);
}

function keyHex(digest: ArrayBuffer): string {
  const bytes = new Uint8Array(digest, 0, 16);
  let hex = "";
  for (let i = 0; i < 16; i++) hex += HEX[bytes[i]!];
  return hex;
}

const encoder = new TextEncoder();
/** "00".."ff" by byte value (ingest hashes every heartbeat). */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
