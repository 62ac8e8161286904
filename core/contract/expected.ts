/**
 * Totals computed independently of Kodo's merge code, straight from heartbeat times, by the
 * rule WakaTime documents: sort the heartbeats by time; the gap to the next one counts toward
 * the earlier one's key when it is more than 0 and at most the keystroke timeout. The counted
 * stretch is clipped to a window (a UTC day) when one is given.
 */
export interface TimedKey {
  time: number;
  key: string;
}

export const DAY_SECONDS = 86_400;

export function expectedByKey(beats: readonly TimedKey[], opts: { timeoutMinutes?: number; from?: number; to?: number } = {}): Map<string, number> {
  const timeout = (opts.timeoutMinutes ?? 15) * 60;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const distinct = [...new Map(beats.map((b) => [`${b.time}\u0000${b.key}`, b])).values()];
  const sorted = distinct.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    const gap = b.time - a.time;
    if (gap <= 0 || gap > timeout) continue;
    const counted = Math.max(0, Math.min(b.time, to) - Math.max(a.time, from));
    if (counted > 0) out.set(a.key, (out.get(a.key) ?? 0) + counted);
  }
  return out;
}

export function total(m: Map<string, number>): number {
  let sum = 0;
  for (const v of m.values()) sum += v;
  return sum;
}

/** Seconds per key within one UTC day ("YYYY-MM-DD"). */
export function expectedOnDay(beats: readonly TimedKey[], day: string, timeoutMinutes = 15): Map<string, number> {
  const from = Date.parse(`${day}T00:00:00Z`) / 1000;
  return expectedByKey(beats, { timeoutMinutes, from, to: from + DAY_SECONDS });
}

/** The UTC day of an instant, and day arithmetic. */
export function utcDay(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

export function addUtcDays(day: string, n: number): string {
  return utcDay(dayStart(day) + n * DAY_SECONDS);
}
