/** Small text checks shared by the schema and the normaliser. */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
// Such strings cannot be encoded as UTF-8, so storing them would corrupt exports and D1 rows.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasNullByte(s: string): boolean {
  return s.includes("\u0000");
}

export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * Cleans a value that did not go through the schema (a request header): trims, drops
 * characters we never store, caps the length. Headers are out of the client's heartbeat
 * payload, so we repair them rather than refuse the whole request. Empty -> null.
 */
export function cleanHeaderValue(value: string | null | undefined, max: number): string | null {
  if (typeof value !== "string") return null;
  let s = value.replace(/\u0000/g, "").trim();
  if (s.length > max) s = s.slice(0, max).trimEnd();
  if (hasLoneSurrogate(s)) s = s.replace(new RegExp(LONE_SURROGATE.source, "g"), "");
  return s === "" ? null : s;
}
