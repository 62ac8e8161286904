/**
 * The seconds buckets of `board_histogram` (issue 16): a coarse ladder, as wide as the time it
 * holds is large, so an entry changes bucket (two histogram writes) only now and then, while a
 * bucket never holds more than a few percent of a board (the scan inside the caller's bucket).
 *
 *   seconds below      bucket width
 *   10 min             1 min
 *   1 h                5 min
 *   10 h               30 min
 *   100 h              1 h
 *   (above)            10 h
 *
 * Each boundary is a multiple of the widths below it, so buckets never overlap. A range holds
 * at most ~720 h (30 days): ~170 buckets per board. The same ladder is written in SQL in the
 * triggers of migration 0009 (`bucketSql` prints it; the migration test checks both agree).
 */
const LADDER: readonly (readonly [below: number, width: number])[] = [
  [600, 60],
  [3600, 300],
  [36_000, 1800],
  [360_000, 3600],
  [Infinity, 36_000],
];

function widthOf(seconds: number): number {
  for (const [below, width] of LADDER) if (seconds < below) return width;
  return LADDER[LADDER.length - 1]![1];
}

/** The bucket (its lowest seconds) holding `seconds` (>= 0). */
export function bucketOf(seconds: number): number {
  const width = widthOf(seconds);
  return Math.floor(Math.trunc(seconds) / width) * width;
}

/** The first seconds above `seconds`' bucket: every entry at or above it is in a higher bucket. */
export function bucketEnd(seconds: number): number {
  return bucketOf(seconds) + widthOf(seconds);
}

/** The ladder as an SQL expression of `column` (migration 0009's triggers and backfill use this text). */
export function bucketSql(column: string): string {
  const cases = LADDER.slice(0, -1).map(([below, width]) => `WHEN ${column} < ${below} THEN CAST(${column} AS INTEGER) / ${width} * ${width}`);
  const last = LADDER[LADDER.length - 1]![1];
  return `(CASE ${cases.join(" ")} ELSE CAST(${column} AS INTEGER) / ${last} * ${last} END)`;
}
