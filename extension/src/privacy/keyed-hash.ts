import { createHmac } from "node:crypto";

/**
 * A keyed hash (HMAC-SHA-256, first 32 hex digits) of a name or path. The key is a random
 * secret made once per installation and never sent: a plain hash of a guessable path
 * ("/home/alice/acme/src/index.ts") could be reversed by trying candidates, a keyed one cannot.
 * The same input always gives the same output on this machine, so the server can still tell
 * files and projects apart.
 */
export function keyedHash(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("hex").slice(0, 32);
}
