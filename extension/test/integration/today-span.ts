/**
 * Where to put a simulated session so that statusbar/today counts all of it: the server's
 * "today" is the real date (the test user's zone is UTC), so the session must lie between the
 * last UTC midnight and now. Times are whole seconds, so every heartbeat time and every gap is
 * an exact integer: the server's sums and the test's sums then agree exactly.
 */

const DAY_SECONDS = 86_400;
/** The session ends at least this long before now: heartbeats are never from the future. */
export const END_BEFORE_NOW_SECONDS = 60;

export interface Span {
  startSeconds: number;
  lengthSeconds: number;
}

/**
 * A span of `wantedSeconds` ending `endAgoSeconds` before now; right after midnight, moved to
 * just after midnight and shortened so it stays within today and ends a minute before now.
 */
export function spanToday(wantedSeconds: number, endAgoSeconds: number, nowMs = Date.now()): Span {
  const nowSeconds = Math.floor(nowMs / 1000);
  const midnight = nowSeconds - (nowSeconds % DAY_SECONDS);
  const latestEnd = nowSeconds - END_BEFORE_NOW_SECONDS;
  let start = nowSeconds - endAgoSeconds - wantedSeconds;
  if (start <= midnight) start = midnight + 1;
  return { startSeconds: start, lengthSeconds: Math.max(0, Math.min(wantedSeconds, latestEnd - start)) };
}

/**
 * Waits (at most `seconds`, and only in the first moments after UTC midnight) until `seconds`
 * of today have passed, so a span of today can have a useful length.
 */
export async function waitUntilSecondsIntoToday(seconds: number): Promise<void> {
  const into = Math.floor(Date.now() / 1000) % DAY_SECONDS;
  if (into >= seconds) return;
  await new Promise((resolve) => setTimeout(resolve, (seconds - into + 1) * 1000));
}

/** The UTC date of an epoch second. */
export function utcDay(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}
