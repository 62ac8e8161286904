import {
  parseBulkStatuses,
  parseStatusbarToday,
  type TodayTotal,
  type WireHeartbeat,
} from "../wire/wakatime-v1";

/** A request that takes longer than this is abandoned and retried later. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiClientOptions {
  /** Base URL of the WakaTime v1 API, e.g. "http://127.0.0.1:8787/api/v1". */
  apiUrl: string;
  apiKey: string;
  userAgent: string;
  machineName: string;
  timeoutMs?: number;
}

/** How a bulk send ended, from the point of view of the queue. */
export type BulkOutcome =
  /** The server answered per item, in request order (201 stored, 202 duplicate, 400 bad). */
  | { kind: "answered"; statuses: number[] }
  /** 401/403: the key is wrong or may not write; retrying will not help until it changes. */
  | { kind: "unauthorized"; httpStatus: number }
  /** 400/413 for the whole request: the batch itself is unacceptable (too big, or one bad item). */
  | { kind: "rejected"; httpStatus: number }
  /** Anything else (5xx, 429, network error, timeout, unreadable answer): try again later. */
  | { kind: "retry"; reason: string; retryAfterMs?: number };

export type TodayOutcome =
  | { kind: "ok"; today: TodayTotal }
  | { kind: "unauthorized" }
  | { kind: "failed"; reason: string };

export interface ApiClient {
  readonly apiUrl: string;
  sendBulk(heartbeats: readonly WireHeartbeat[]): Promise<BulkOutcome>;
  fetchToday(): Promise<TodayOutcome>;
}

/** The WakaTime-compatible HTTP API, over the runtime's own `fetch`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const headers = {
    // WakaTime's scheme: the key itself, base64-encoded, as HTTP Basic credentials.
    Authorization: `Basic ${Buffer.from(options.apiKey).toString("base64")}`,
    "User-Agent": options.userAgent,
    "X-Machine-Name": options.machineName,
    Accept: "application/json",
  };
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const url = (path: string) => `${options.apiUrl.replace(/\/+$/, "")}/${path}`;

  return {
    apiUrl: options.apiUrl,

    async sendBulk(heartbeats) {
      let response: Response;
      try {
        response = await fetch(url("users/current/heartbeats.bulk"), {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify(heartbeats),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { kind: "retry", reason: describeNetworkError(error) };
      }
      const status = response.status;
      if (status === 401 || status === 403) {
        await response.body?.cancel();
        return { kind: "unauthorized", httpStatus: status };
      }
      if (status === 400 || status === 413) {
        await response.body?.cancel();
        return { kind: "rejected", httpStatus: status };
      }
      if (status < 200 || status > 299) {
        await response.body?.cancel();
        const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
        return { kind: "retry", reason: `HTTP ${status}`, ...(retryAfterMs ? { retryAfterMs } : {}) };
      }
      const body: unknown = await response.json().catch(() => undefined);
      const statuses = parseBulkStatuses(body, heartbeats.length);
      return statuses === null
        ? { kind: "retry", reason: `HTTP ${status} with an unreadable bulk answer` }
        : { kind: "answered", statuses };
    },

    async fetchToday() {
      try {
        const response = await fetch(url("users/current/statusbar/today"), {
          headers,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.status === 401 || response.status === 403) {
          await response.body?.cancel();
          return { kind: "unauthorized" };
        }
        if (!response.ok) {
          await response.body?.cancel();
          return { kind: "failed", reason: `HTTP ${response.status}` };
        }
        const today = parseStatusbarToday(await response.json().catch(() => undefined));
        return today === null ? { kind: "failed", reason: "unreadable answer" } : { kind: "ok", today };
      } catch (error) {
        return { kind: "failed", reason: describeNetworkError(error) };
      }
    },
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((error as { name?: string }).name === "TimeoutError") return "timeout";
  return String(error);
}

/** `Retry-After` in seconds (the HTTP-date form is rare from APIs and is ignored). */
function parseRetryAfterMs(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}
