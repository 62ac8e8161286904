/**
 * API keys as users manage them: generated keys are `waka_<uuid-v4>` (the shape every
 * WakaTime plugin accepts); a user may also set their own key of that shape or a bare UUID v4.
 * Keys are stored only as SHA-256 digests (http/auth.ts hashKey) and shown once.
 */
import { looksLikeKey } from "../http/auth.ts";
import type { KeyScope } from "../ports.ts";

export const MAX_KEYS_PER_USER = 50;
export const MAX_KEY_LABEL_LENGTH = 64;
export const DEFAULT_KEY_LABEL = "API key";

export function generateApiKey(): string {
  return `waka_${crypto.randomUUID()}`;
}

/** The last four characters: enough to tell keys apart, useless to an attacker. */
export function keyHint(key: string): string {
  return key.slice(-4);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** A user-chosen key: trimmed, lower-cased UUID part kept as given (hashing is exact). */
export function parseOwnKey(value: unknown): Parsed<string> {
  if (typeof value !== "string") return { ok: false, error: "key: must be a string" };
  const key = value.trim();
  if (!looksLikeKey(key)) return { ok: false, error: "key: must be waka_<uuid-v4> or a bare UUID v4 (the shapes WakaTime plugins accept)" };
  return { ok: true, value: key };
}

export function parseKeyLabel(value: unknown): Parsed<string> {
  if (value === undefined || value === null) return { ok: true, value: DEFAULT_KEY_LABEL };
  if (typeof value !== "string") return { ok: false, error: "label: must be a string" };
  const label = value.trim().replace(/\s+/g, " ");
  if (label === "") return { ok: true, value: DEFAULT_KEY_LABEL };
  if (label.length > MAX_KEY_LABEL_LENGTH) return { ok: false, error: `label: must be at most ${MAX_KEY_LABEL_LENGTH} characters` };
  if (/[\u0000-\u001f\u007f]/.test(label)) return { ok: false, error: "label: must not contain control characters" };
  return { ok: true, value: label };
}

export function parseKeyScope(value: unknown): Parsed<KeyScope> {
  if (value === undefined || value === null || value === "") return { ok: true, value: "full" };
  if (value === "full" || value === "read") return { ok: true, value };
  return { ok: false, error: 'scope: must be "full" (may send heartbeats) or "read" (read-only)' };
}
