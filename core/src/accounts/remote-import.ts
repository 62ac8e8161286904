/**
 * Pulling history from another WakaTime-compatible server (WakaTime, Wakapi, another Kodo),
 * the way Wakapi's own importer does: `all_time_since_today` gives the first day, the
 * `user_agents` and `machine_names` lists resolve the ids heartbeats carry, then
 * `heartbeats?date=` is read day by day. The job's cursor lives in storage (AccountAdmin), so
 * an import is resumable: each step pulls a few days and records where it stopped. The
 * remote key is never stored; every step is given it again.
 */
import { addDays, daysBetween, isDay } from "../time/zone.ts";
import { ALL_TIME_FIRST_DAY } from "../time/ranges.ts";
import type { RemoteLookups } from "./ports.ts";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export class RemoteImportError extends Error {}

export const MAX_REMOTE_URL_LENGTH = 500;

/**
 * The API base to call: "https://wakatime.com" becomes "https://wakatime.com/api/v1"; a URL
 * with a path (".../api/compat/wakatime/v1", ".../api/v1") is kept as given, minus trailing
 * slashes. Only http(s), no credentials, no query.
 */
export function normaliseBaseUrl(input: unknown): { ok: true; value: string } | { ok: false; error: string } {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, error: "url: required, the server's API address (e.g. https://wakatime.com/api/v1)" };
  if (input.length > MAX_REMOTE_URL_LENGTH) return { ok: false, error: `url: must be at most ${MAX_REMOTE_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, error: "url: not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, error: "url: must be http(s)" };
  if (url.username || url.password) return { ok: false, error: "url: must not contain credentials (give the API key separately)" };
  if (url.search || url.hash) return { ok: false, error: "url: must not contain a query or fragment" };
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") path = "/api/v1";
  return { ok: true, value: `${url.origin}${path}` };
}

export class RemoteServer {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly fetchFn: FetchFn,
    private readonly timeoutMs = 20_000,
  ) {}

  async getJson(path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}`, {
        headers: { authorization: `Basic ${btoa(this.apiKey)}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "follow",
      });
    } catch (err) {
      throw new RemoteImportError(`Could not reach ${this.baseUrl}: ${(err as Error).message}`);
    }
    if (res.status === 401 || res.status === 403) throw new RemoteImportError(`The server refused the API key (${res.status})`);
    if (res.status === 429) throw new RemoteImportError("The server is rate limiting; try again in a minute");
    if (!res.ok) throw new RemoteImportError(`${path.split("?")[0]} answered ${res.status}`);
    try {
      return await res.json();
    } catch {
      throw new RemoteImportError(`${path.split("?")[0]} did not answer JSON`);
    }
  }

  /** The first day with activity on the remote (its time zone), or null for no activity. */
  async firstDay(): Promise<string | null> {
    const body = (await this.getJson("/users/current/all_time_since_today")) as { data?: { range?: { start_date?: unknown }; total_seconds?: unknown } };
    const start = body?.data?.range?.start_date;
    if (typeof start === "string" && isDay(start.slice(0, 10))) return start.slice(0, 10);
    if (body?.data?.total_seconds === 0) return null;
    throw new RemoteImportError("all_time_since_today: no data.range.start_date in the answer");
  }

  async lookups(): Promise<RemoteLookups> {
    const [agents, machines] = await Promise.all([
      this.getJson("/users/current/user_agents").catch(() => ({ data: [] })),
      this.getJson("/users/current/machine_names").catch(() => ({ data: [] })),
    ]);
    const userAgents: Record<string, string> = {};
    for (const a of listOf(agents)) if (typeof a.id === "string" && typeof a.value === "string") userAgents[a.id] = a.value;
    const machineNames: Record<string, string> = {};
    for (const m of listOf(machines)) {
      const name = typeof m.value === "string" ? m.value : typeof m.name === "string" ? m.name : null;
      if (typeof m.id === "string" && name) machineNames[m.id] = name;
    }
    return { userAgents, machines: machineNames };
  }

  /**
   * The raw heartbeats of one remote day, page by page (one page in memory at a time). A Kodo remote pages big days (`next_cursor`, see
   * heartbeat/paging.ts); WakaTime and Wakapi answer in one page and give no cursor.
   */
  async *heartbeatPagesOn(day: string): AsyncGenerator<unknown[]> {
    let cursor: string | null = null;
    for (let pages = 0; pages < MAX_REMOTE_PAGES_PER_DAY; pages++) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const body = (await this.getJson(`/users/current/heartbeats?date=${day}${query}`)) as { data?: unknown; next_cursor?: unknown };
      if (!Array.isArray(body?.data)) throw new RemoteImportError(`heartbeats?date=${day}: no data list in the answer`);
      yield body.data;
      if (typeof body.next_cursor !== "string" || body.next_cursor === "") return;
      cursor = body.next_cursor;
    }
    throw new RemoteImportError(`heartbeats?date=${day}: more than ${MAX_REMOTE_PAGES_PER_DAY} pages`);
  }
}

/** 40 pages of 5000: 200 000 heartbeats in one remote day is more than anyone codes. */
const MAX_REMOTE_PAGES_PER_DAY = 40;

function listOf(body: unknown): Record<string, unknown>[] {
  const data = (body as { data?: unknown })?.data;
  return Array.isArray(data) ? data.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];
}

/**
 * The days a job pulls: the remote's first day (one earlier, for lone heartbeats) to today,
 * never before ALL_TIME_FIRST_DAY: older heartbeats would all be refused (MIN_HEARTBEAT_TIME),
 * and a remote whose log holds one 1970 timestamp would otherwise plan 20 000 empty days.
 */
export function importPlan(firstDay: string | null, today: string): { firstDay: string; lastDay: string; daysTotal: number } {
  const from = firstDay !== null && firstDay < ALL_TIME_FIRST_DAY ? ALL_TIME_FIRST_DAY : firstDay;
  const first = from === null ? today : addDays(from < today ? from : today, -1);
  return { firstDay: first, lastDay: today, daysTotal: daysBetween(first, today) + 1 };
}

/** Limits of one step: it ends after this many days, or heartbeats, or this much time. */
export const STEP_MAX_DAYS = 14;
export const STEP_MAX_HEARTBEATS = 20_000;
export const STEP_MAX_MS = 15_000;
