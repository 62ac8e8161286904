/** Shapes the API answers (core/src/http/routes/account-views.ts), as the site uses them. */
export interface AccountUser {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  created_at: string;
  time_zone: string;
  keystroke_timeout_minutes: number;
}

export interface Progress {
  done: number;
  total: number;
}

export interface Account {
  user: AccountUser;
  identities: { provider: string; name?: string | null; created_at: string }[];
  recompute: Progress | null;
  auth: "session" | "api_key";
  csrf_token: string | null;
}

export interface ApiKey {
  id: string;
  label: string;
  scope: "full" | "read";
  hint: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ImportJob {
  id: string;
  url: string;
  status: "running" | "done" | "failed";
  first_day: string;
  last_day: string;
  next_day: string | null;
  days_done: number;
  days_total: number;
  heartbeats_received: number;
  heartbeats_created: number;
  heartbeats_rejected: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Providers {
  providers: { id: string; name: string }[];
  email: boolean;
  outbox: boolean;
}

/** The relay to an upstream WakaTime-compatible server (GET /api/kodo/account/relay). */
export interface Relay {
  url: string;
  key_hint: string;
  set_at: string;
  queued: number;
  oldest_queued_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  next_attempt_at: string | null;
  failures: number;
  forwarded: number;
  dropped: number;
}
