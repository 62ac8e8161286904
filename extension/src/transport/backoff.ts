/** First retry after a failed send waits about this long... */
export const RETRY_BASE_MS = 15_000;
/** ...doubling per consecutive failure, up to this cap (a server down for hours is retried
 * every ~10 minutes, not every few hours). */
export const RETRY_MAX_MS = 10 * 60 * 1000;

/**
 * Delay before retry number `failures` (1 = after the first failure): exponential, capped,
 * with "equal jitter" (half fixed, half random) so that many editors that lost the server at
 * the same moment do not all come back at the same second. `random` is in [0, 1).
 */
export function retryDelayMs(failures: number, random: number): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
