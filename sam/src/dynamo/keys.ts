import { createHash } from "node:crypto";

/**
 * Item keys of Kodo's two DynamoDB tables (data model: sam/README.md, "Data model").
 * Every table has a string partition key `pk` and a string sort key `sk`; no GSI is needed
 * because every read is "one user's items by key range" or "one item by key".
 */

/** Accounts table: users, username claims, API keys (by hash, and listed under their user). */
export const accountKeys = {
  profile: (userId: string) => ({ pk: `USER#${userId}`, sk: "PROFILE" }),
  /** Usernames are unique: this item claims one (case-insensitively) for a user id. */
  username: (username: string) => ({ pk: `USERNAME#${username.toLowerCase()}`, sk: "USERNAME" }),
  /** The look-up item of an API key, by its SHA-256 hex digest (keys are never stored in the clear). */
  keyHash: (keyHash: string) => ({ pk: `KEY#${keyHash}`, sk: "KEY" }),
  /** The same key listed under its user, so "a user's keys" is one Query (revocation, deletion). */
  userKey: (userId: string, keyId: string) => ({ pk: `USER#${userId}`, sk: `KEY#${keyId}` }),
};

/** Epoch milliseconds, zero-padded so that string order is time order (up to year 33658). */
export function timeKey(epochSeconds: number): string {
  return String(Math.round(epochSeconds * 1000)).padStart(15, "0");
}

/** Activity table: the raw heartbeat log, derived days, values seen, and settings state. */
export const activityKeys = {
  /**
   * The raw log has a partition per user; the sort key is time then dedupe key, so a time
   * window is one Query and the same event always lands on the same item (the dedupe key
   * covers the millisecond time too).
   */
  logPartition: (userId: string) => `LOG#${userId}`,
  heartbeat: (userId: string, epochSeconds: number, dedupeKey: string) => ({
    pk: `LOG#${userId}`,
    sk: `${timeKey(epochSeconds)}#${dedupeKey}`,
  }),
  /** Lowest and highest sort keys of log items with time in [from, to] (seconds, inclusive). */
  logRange: (from: number, to: number) => ({ low: timeKey(from), high: `${timeKey(to)}$` }),
  userPartition: (userId: string) => `USER#${userId}`,
  day: (userId: string, day: string) => ({ pk: `USER#${userId}`, sk: `DAY#${day}` }),
  daySk: (day: string) => `DAY#${day}`,
  /** Overflow parts of a day too large for one item, named by the write that made them. */
  dayPart: (userId: string, day: string, partsId: string, index: number) => ({
    pk: `USER#${userId}`,
    sk: `PART#${day}#${partsId}#${String(index).padStart(4, "0")}`,
  }),
  /**
   * A sort key is at most 1024 bytes; a 255-character value can take 1020 in UTF-8, so long
   * values are keyed by their digest instead (the value itself is an attribute either way).
   */
  seen: (userId: string, kind: string, value: string) => ({
    pk: `USER#${userId}`,
    sk: `SEEN#${kind}#${Buffer.byteLength(value, "utf8") <= 512 ? value : `~${createHash("sha256").update(value).digest("hex")}`}`,
  }),
  seenPrefix: (kind: string) => `SEEN#${kind}#`,
  /** Which settings (zone, timeout) the derived days were computed with, and rebuild progress. */
  head: (userId: string) => ({ pk: `USER#${userId}`, sk: "HEAD" }),
};
