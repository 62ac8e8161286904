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
import { checkUrl } from "../net/address-policy.ts";
import { cappedChunks, cappedText, TooLargeError } from "../net/capped-body.ts";
import { safeFetch, UNREACHABLE_TEXT, UnreachableError, UrlFormError, type Outbound } from "../net/safe-fetch.ts";
import { JsonItemScanner, JsonStreamError, jsonItems } from "./json-items.ts";
import { MAX_PAGE_TOKEN_CHARS } from "./remote-cursor.ts";

export type { FetchFn } from "../net/safe-fetch.ts";

export class RemoteImportError extends Error {}

export const MAX_REMOTE_URL_LENGTH = 500;

/**
 * Byte caps per answer, read as a stream and abandoned past the cap. A heartbeat is 400-700
 * bytes in WakaTime's shape, so 32 MiB is 50 000+ heartbeats in one day's answer, far more than
 * a person's day (a busy day is 1-3 MB); a server that pages the day keeps each page under it.
 * A step stops at its heartbeat budget long before the cap and the next one re-reads the
 * page up to where it stopped, so the cap is also what keeps that re-reading bounded on a
 * hostile endless day. The other routes answer a few KiB.
 */
export const MAX_HEARTBEATS_ANSWER_BYTES = 32 * 1_048_576;
export const MAX_SMALL_ANSWER_BYTES = 1_048_576;

/**
 * The API base to call: "https://wakatime.com" becomes "https://wakatime.com/api/v1"; a URL
 * with a path (".../api/compat/wakatime/v1", ".../api/v1") is kept as given, minus trailing
 * slashes. Only http(s), no credentials, no query, a default port or one from 1024 up (the
 * address policy's form rules; whether the host may be reached is checked when it is called,
 * and answered with the same text as an unreachable server).
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
  if (url.username || url.password) return { ok: false, error: "url: must not contain credentials (give the API key separately)" };
  const form = checkUrl(url);
  if (!form.ok && form.problem === "form") return { ok: false, error: `url: ${form.error}` };
  if (url.search || url.hash) return { ok: false, error: "url: must not contain a query or fragment" };
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") path = "/api/v1";
  return { ok: true, value: `${url.origin}${path}` };
}

/** What one page of a day's heartbeats answer streams: its heartbeats, then where to go next. */
export type PageEvent = { kind: "heartbeat"; value: unknown } | { kind: "end"; nextPage: string | null };

export class RemoteServer {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly outbound: Outbound,
    private readonly timeoutMs = 20_000,
  ) {}

  /** GETs `path` under the address policy; any non-2xx becomes its RemoteImportError. */
  private async get(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await safeFetch(this.outbound, `${this.baseUrl}${path}`, {
        headers: { authorization: `Basic ${btoa(this.apiKey)}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if (err instanceof UrlFormError) throw new RemoteImportError(`url: ${err.message}`);
      if (err instanceof UnreachableError) throw new RemoteImportError(UNREACHABLE_TEXT);
      throw err;
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => {});
    if (res.status === 401 || res.status === 403) throw new RemoteImportError(`The server refused the API key (${res.status})`);
    if (res.status === 429) throw new RemoteImportError("The server is rate limiting; try again in a minute");
    throw new RemoteImportError(`${route(path)} answered ${res.status}`);
  }

  /** A small JSON answer, read whole up to MAX_SMALL_ANSWER_BYTES. */
  async getJson(path: string): Promise<unknown> {
    const res = await this.get(path);
    let text: string;
    try {
      text = await cappedText(res, MAX_SMALL_ANSWER_BYTES);
    } catch (err) {
      throw bodyError(path, err);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new RemoteImportError(`${route(path)} did not answer JSON`);
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
   * One page of a day's heartbeats, streamed: `data[]` elements as they are read (the body
   * is never held whole, and is capped at MAX_HEARTBEATS_ANSWER_BYTES), then the next page.
   * Stopping the iteration early cancels the download. WakaTime and Wakapi answer a day in
   * one page; a server that pages it (Kodo) says so with `next_page` (a number or a token),
   * or with `page` and `total_pages`; the next page is asked for as `&page=<next_page>`.
   */
  async *heartbeatPage(day: string, page: string | null): AsyncGenerator<PageEvent> {
    const path = `/users/current/heartbeats?date=${day}${pageQuery(page)}`;
    const res = await this.get(path);
    const scanner = new JsonItemScanner(["data[]", "next_cursor", "next_page", "page", "total_pages"]);
    const paging: Record<string, unknown> = {};
    try {
      for await (const item of jsonItems(cappedChunks(res, MAX_HEARTBEATS_ANSWER_BYTES), [], scanner)) {
        if (item.path === "data[]") yield { kind: "heartbeat", value: item.value };
        else paging[item.path] = item.value;
      }
    } catch (err) {
      throw bodyError(path, err);
    }
    if (!scanner.sawArray("data")) throw new RemoteImportError(`heartbeats?date=${day}: no data list in the answer`);
    yield { kind: "end", nextPage: nextPageOf(paging, page) };
  }
}

/** The page after `current` from a page's paging fields, or null when it was the last. */
export function nextPageOf(paging: Record<string, unknown>, current: string | null): string | null {
  const { next_cursor: cursor, next_page: next, page, total_pages: total } = paging;
  let token: string | null = null;
  // Kodo pages a big day by keyset: the next page is opened by its cursor, not its number.
  if (typeof cursor === "string" && cursor !== "") token = `${CURSOR_TOKEN}${cursor}`;
  else if (typeof next === "number" && Number.isSafeInteger(next)) token = String(next);
  else if (typeof next === "string" && next !== "") token = next;
  else if (next === undefined && typeof page === "number" && typeof total === "number" && Number.isSafeInteger(page) && page < total) token = String(page + 1);
  // A token that does not move on (or could not be stored) ends the day rather than looping.
  if (token === null || token === current || token.length > MAX_PAGE_TOKEN_CHARS) return null;
  if (current === null && token === "1") return null;
  return token;
}

/** A page token that carries a server's `next_cursor` (Kodo) rather than a page number. */
const CURSOR_TOKEN = "cursor:";

/** The query that asks for the page a token names (none for a day's first page). */
function pageQuery(token: string | null): string {
  if (token === null) return "";
  if (token.startsWith(CURSOR_TOKEN)) return `&cursor=${encodeURIComponent(token.slice(CURSOR_TOKEN.length))}`;
  return `&page=${encodeURIComponent(token)}`;
}

/** "/users/current/heartbeats?date=..." -> "heartbeats" style name for messages. */
function route(path: string): string {
  return path.split("?")[0]!;
}

/** What went wrong while reading a body, as the job's error. */
function bodyError(path: string, err: unknown): Error {
  if (err instanceof TooLargeError) return new RemoteImportError(`${route(path)}: ${err.message} (the import cannot read it)`);
  if (err instanceof JsonStreamError) return new RemoteImportError(`${route(path)} did not answer valid JSON (${err.message})`);
  if (err instanceof RemoteImportError) return err;
  // The connection broke or timed out half-way: the same text as any other failure to connect.
  return new RemoteImportError(UNREACHABLE_TEXT);
}

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

/**
 * Limits of one step: it ends after this many days, or heartbeats, or this much time, or
 * answers read (pages: empty pages must not keep a step going); the heartbeat and time budgets
 * are checked after every batch, inside a day too.
 */
export const STEP_MAX_DAYS = 14;
/**
 * 5 000: storing a batch costs the user's Durable Object ~25 us a heartbeat on top of reading
 * and parsing it, so 20 000 a step measured ~860 ms of CPU and +72 MiB (bench:budget); 5 000
 * keeps a step near the ~200 ms request budget. The client repeats steps anyway.
 */
export const STEP_MAX_HEARTBEATS = 5_000;
export const STEP_MAX_MS = 15_000;
export const STEP_MAX_PAGES = 60;
