/**
 * The display-name rule, one for every way a name gets in: PATCH /api/kodo/account refuses a
 * name that breaks it (a 400 naming the problem), and sign-up (an OAuth provider's profile
 * name, Better Auth's hooks in core/src/auth/better-auth.ts) stores the name cleaned by the same rule,
 * since a sign-up must not fail over what a provider calls someone.
 *
 * A display name is shown to other people (public profiles, leaderboards, teams), so:
 * - normalised to NFC (one spelling for what looks the same) and whitespace runs (tabs, line
 *   breaks, U+2028, ...) collapsed to one space, trimmed; empty means "no display name";
 * - no control characters (Unicode Cc: NUL, C0, DEL, C1);
 * - no bidirectional formatting characters (embeddings and overrides U+202A-U+202E, isolates
 *   U+2066-U+2069, and the marks U+200E, U+200F, U+061C): they reorder the text around the
 *   name where it is shown (a "Trojan Source" style spoof);
 * - no lone surrogate halves (not text at all; JSON can carry them);
 * - at most 100 characters (code points), after normalisation.
 * Other format characters stay: the zero-width joiner is part of many emoji.
 */
export const MAX_DISPLAY_NAME_LENGTH = 100;

const CONTROL = /\p{Cc}/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** NFC, whitespace runs to one space, trimmed (lone surrogates make NFC throw: kept as is). */
function normalise(raw: string): string {
  const nfc = LONE_SURROGATE.test(raw) ? raw : raw.normalize("NFC");
  return nfc.replace(/\s+/gu, " ").trim();
}

/** The normalised name (null for an empty one), or why it is refused. */
export function parseDisplayName(raw: string): { ok: true; value: string | null } | { ok: false; error: string } {
  const name = normalise(raw);
  if (CONTROL.test(name)) return { ok: false, error: "must not contain control characters" };
  if (BIDI.test(name)) return { ok: false, error: "must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C)" };
  if (LONE_SURROGATE.test(name)) return { ok: false, error: "must be valid Unicode text (no lone surrogates)" };
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) return { ok: false, error: `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters` };
  return { ok: true, value: name === "" ? null : name };
}

/**
 * What sign-up stores for a name it was handed: the forbidden characters dropped (controls
 * become spaces so words do not run together), normalised, cut to the length limit. The result
 * always passes parseDisplayName; "" when nothing is left (Kodo then shows the username).
 */
export function cleanDisplayName(raw: unknown): string {
  if (typeof raw !== "string") return "";
  // Bound the work on a huge input (a provider may send anything): only its start can be kept,
  // so the rest is never scanned. A name that long is hostile; which part of it stays is moot.
  const head = raw.length > MAX_DISPLAY_NAME_LENGTH * 8 ? raw.slice(0, MAX_DISPLAY_NAME_LENGTH * 8) : raw;
  const dropped = head
    .replace(/\p{Cs}/gu, "")
    .replace(/\p{Cc}/gu, " ")
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, "");
  const name = normalise(dropped);
  return [...name].slice(0, MAX_DISPLAY_NAME_LENGTH).join("").trim();
}
