/**
 * Sharing settings as the API reads and writes them (`GET/PATCH /api/kodo/sharing`): the
 * port's camelCase fields, validated here so every platform refuses the same bad input.
 */
import type { SharingSettings } from "../ports.ts";

/** Longest history others may be allowed to see: ten years. */
export const MAX_HISTORY_DAYS = 3660;

const BOOLEAN_FIELDS = ["publicProfile", "leaderboards", "languages", "editors", "operatingSystems", "machines"] as const;

/** Parses a partial change; returns the change or an error message naming the field. */
export function parseSharingChange(body: unknown): Partial<SharingSettings> | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body: expected a JSON object";
  const input = body as Record<string, unknown>;
  const change: Partial<SharingSettings> = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") return `${key}: expected true or false`;
      change[key as (typeof BOOLEAN_FIELDS)[number]] = value;
    } else if (key === "projects") {
      if (value !== "hidden" && value !== "alias" && value !== "public") return `projects: expected "hidden", "alias" or "public"`;
      change.projects = value;
    } else if (key === "historyDays") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_HISTORY_DAYS) {
        return `historyDays: expected an integer from 0 to ${MAX_HISTORY_DAYS}`;
      }
      change.historyDays = value;
    } else {
      return `${key.slice(0, 40)}: unknown field`;
    }
  }
  return change;
}
