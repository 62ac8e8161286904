/**
 * Validation of profile and settings changes (PATCH /api/kodo/account). Each failure names
 * the field. Pure: the caller checks the username against the database afterwards.
 */
import { isValidTimeZone } from "../time/zone.ts";
import { MAX_KEYSTROKE_TIMEOUT_MINUTES, MIN_KEYSTROKE_TIMEOUT_MINUTES } from "../types.ts";
import type { ProfileChange } from "./ports.ts";
import type { Parsed } from "./api-keys.ts";
import { usernameProblem } from "./username.ts";
import { parseDisplayName } from "./display-name.ts";

const FIELDS = new Set(["username", "display_name", "time_zone", "timezone", "keystroke_timeout_minutes", "timeout"]);

/**
 * Reads `{ username?, display_name?, time_zone?, keystroke_timeout_minutes? }` (WakaTime's
 * `timezone` and `timeout` are accepted as aliases). Unknown fields are refused, so a typo
 * never silently does nothing.
 */
export function parseProfileChange(body: unknown): Parsed<ProfileChange> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "Body must be a JSON object" };
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) return { ok: false, error: `Unknown field(s): ${unknown.join(", ")}` };
  const change: ProfileChange = {};
  const errors: string[] = [];

  if (input.username !== undefined) {
    if (typeof input.username !== "string") errors.push("username: must be a string");
    else {
      const username = input.username.trim().toLowerCase();
      const problem = usernameProblem(username);
      if (problem) errors.push(`username: ${problem}`);
      else change.username = username;
    }
  }
  if (input.display_name !== undefined) {
    if (input.display_name === null) change.displayName = null;
    else if (typeof input.display_name !== "string") errors.push("display_name: must be a string or null");
    else {
      const name = parseDisplayName(input.display_name);
      if (!name.ok) errors.push(`display_name: ${name.error}`);
      else change.displayName = name.value;
    }
  }
  const zone = input.time_zone ?? input.timezone;
  if (zone !== undefined) {
    if (typeof zone !== "string" || !isValidTimeZone(zone.trim())) errors.push("time_zone: must be an IANA time zone such as Europe/Berlin");
    else change.timeZone = canonicalZone(zone.trim());
  }
  const timeout = input.keystroke_timeout_minutes ?? input.timeout;
  if (timeout !== undefined) {
    const n = typeof timeout === "string" && timeout.trim() !== "" ? Number(timeout) : timeout;
    if (typeof n !== "number" || !Number.isInteger(n) || n < MIN_KEYSTROKE_TIMEOUT_MINUTES || n > MAX_KEYSTROKE_TIMEOUT_MINUTES) {
      errors.push(`keystroke_timeout_minutes: must be a whole number from ${MIN_KEYSTROKE_TIMEOUT_MINUTES} to ${MAX_KEYSTROKE_TIMEOUT_MINUTES}`);
    } else change.keystrokeTimeoutMinutes = n;
  }
  if (errors.length > 0) return { ok: false, error: errors.join("; ") };
  return { ok: true, value: change };
}

/** "europe/berlin" -> "Europe/Berlin": the spelling Intl reports, so equal zones compare equal. */
function canonicalZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}
