/**
 * JSON shapes of the account routes (snake_case like the rest of the API) and their zod
 * schemas for the OpenAPI document. Their bodies are read by ../body.ts readSmallJson.
 */
import { z } from "zod";
import type { User } from "../../ports.ts";
import type { ApiKeyInfo, ImportJob, RecomputeProgress } from "../../accounts/ports.ts";
import { exportedJob } from "../../accounts/export-relations.ts";
import type { ImportCounts } from "../../accounts/import.ts";

export function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    display_name: u.displayName,
    email: u.email,
    created_at: u.createdAt,
    time_zone: u.timeZone,
    keystroke_timeout_minutes: u.keystrokeTimeoutMinutes,
  };
}

export function keyView(k: ApiKeyInfo) {
  return { id: k.id, label: k.label, scope: k.scope, hint: k.hint, created_at: k.createdAt, last_used_at: k.lastUsedAt };
}

export function progressView(p: RecomputeProgress | null) {
  return p === null ? null : { done: p.done, total: p.total };
}

export function jobView(j: ImportJob) {
  const { base_url: url, lookups: _lookups, ...rest } = exportedJob(j);
  return { ...rest, url };
}

export function countsView(c: ImportCounts) {
  return { received: c.received, created: c.created, duplicates: c.duplicates, rejected: c.rejected, errors: c.errors };
}

// ---- schemas (documentation) ------------------------------------------------------------

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  created_at: z.string(),
  time_zone: z.string(),
  keystroke_timeout_minutes: z.number().int(),
});

export const progressSchema = z
  .object({ done: z.number().int(), total: z.number().int() })
  .nullable()
  .meta({ description: "History recompute after a time zone or timeout change: days done of total; null when none runs." });

export const accountSchema = z.object({
  user: userSchema,
  identities: z.array(z.object({ provider: z.string(), name: z.string().nullable().optional(), created_at: z.string() })),
  recompute: progressSchema,
  auth: z.enum(["session", "api_key"]),
  csrf_token: z.string().nullable().meta({ description: "For a sign-in session: send it back as X-CSRF-Token on POST/PATCH/DELETE." }),
});

export const keySchema = z.object({
  id: z.string(),
  label: z.string(),
  scope: z.enum(["full", "read"]),
  hint: z.string().meta({ description: "The key's last four characters." }),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

export const newKeySchema = z.object({ data: keySchema, key: z.string().meta({ description: "The key itself. Shown this once: Kodo keeps only its SHA-256 digest." }) });

export const jobSchema = z.object({
  id: z.string(),
  url: z.string(),
  status: z.enum(["running", "done", "failed"]),
  first_day: z.string(),
  last_day: z.string(),
  next_day: z.string().nullable(),
  days_done: z.number().int(),
  days_total: z.number().int(),
  heartbeats_received: z.number().int(),
  heartbeats_created: z.number().int(),
  heartbeats_rejected: z.number().int(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const importResultSchema = z.object({
  format: z.enum(["wakatime-dump", "kodo-export", "array"]).nullable(),
  received: z.number().int(),
  created: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.string()).meta({ description: "The first few rejection reasons." }),
  first_day: z.string().nullable(),
  last_day: z.string().nullable(),
  total_seconds: z.number().meta({ description: "Coding time of the imported days (first_day..last_day) after the import." }),
  restored: z
    .object({
      settings: z.boolean(),
      sharing: z.boolean(),
      goals_added: z.number().int(),
      goals_existing: z.number().int(),
      goals_skipped: z.number().int().meta({ description: "Not added: the account has the most goals allowed." }),
      external_durations_added: z.number().int(),
      external_durations_existing: z.number().int().meta({ description: "Already there (same provider and external_id): replaced by the file's, as WakaTime replaces them." }),
      external_durations_rejected: z.number().int().meta({ description: "Invalid (reasons in `errors`)." }),
      external_durations_skipped: z.number().int().meta({ description: "Not stored: the account has the most external durations allowed." }),
    })
    .optional()
    .meta({ description: "Kodo exports only: what the file restored besides heartbeats (false/0: already equal)." }),
});

export function jsonBody(description: string, schema: Record<string, unknown>) {
  return { required: false, description, content: { "application/json": { schema } } };
}
