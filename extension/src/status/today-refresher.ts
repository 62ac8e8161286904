import type { Clock } from "../tracker/clock";
import type { ApiClient } from "../transport/api-client";
import type { TodayTotal } from "../wire/wakatime-v1";

/** Today's total is asked for at most this often. */
export const TODAY_REFRESH_MS = 60_000;

/**
 * Keeps today's total from `statusbar/today`, asking the server at most once a minute however
 * often `refresh` is called. A failed request keeps the last known value.
 */
export class TodayRefresher {
  private lastAskedAtMs: number | undefined;
  private value: TodayTotal | undefined;

  constructor(private readonly clock: Clock) {}

  get today(): TodayTotal | undefined {
    return this.value;
  }

  /** Forget the value (new server or key): the next refresh asks at once. */
  reset(): void {
    this.lastAskedAtMs = undefined;
    this.value = undefined;
  }

  /** Returns true when the value changed. */
  async refresh(client: ApiClient): Promise<boolean> {
    const nowMs = this.clock();
    if (this.lastAskedAtMs !== undefined && nowMs - this.lastAskedAtMs < TODAY_REFRESH_MS) {
      return false;
    }
    this.lastAskedAtMs = nowMs;
    const outcome = await client.fetchToday();
    if (outcome.kind !== "ok") return false;
    const changed = outcome.today.text !== this.value?.text;
    this.value = outcome.today;
    return changed;
  }
}
