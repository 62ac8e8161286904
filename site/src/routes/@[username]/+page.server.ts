import { error } from "@sveltejs/kit";
import { api } from "$lib/server/api";
import type { PublicStats } from "$lib/social/types";
import type { PageServerLoad } from "./$types";

const NOT_FOUND = "No public profile here";

/**
 * /@username: the user's public stats (last 7 days, and all time when their history allows),
 * rendered on the server with Open Graph tags. Private and unknown users get the same 404.
 */
export const load: PageServerLoad = async (event) => {
  const username = event.params.username;
  if (!/^[A-Za-z0-9_-]{1,31}$/.test(username)) error(404, NOT_FOUND);
  const base = `/api/public/users/${encodeURIComponent(username)}/stats`;
  const [week, allTime, year] = await Promise.all([api(event, `${base}/last_7_days`), api(event, `${base}/all_time`), api(event, `${base}/last_12_months`)]);
  if (week.status === 404) error(404, NOT_FOUND);
  if (!week.ok) error(week.status >= 500 ? 502 : week.status, "This profile could not be loaded");
  const stats = ((await week.json()) as { data: PublicStats }).data;
  // All time is refused (403) when the user shares less history: the page then shows the week only.
  const all = allTime.ok ? ((await allTime.json()) as { data: PublicStats }).data : null;
  // The year's days draw the heat map (cut to the history the user shares; absent when they share no per-day history).
  const yearStats = year.ok ? ((await year.json()) as { data: PublicStats }).data : null;
  const heatmap =
    yearStats?.days !== undefined
      ? { start: yearStats.range.start, end: yearStats.range.end, totalSeconds: yearStats.total_seconds, days: yearStats.days.map((d) => ({ day: d.date, seconds: d.total_seconds })) }
      : null;
  const origin = event.url.origin;
  return {
    stats,
    allTimeSeconds: all?.total_seconds ?? null,
    heatmap,
    urls: {
      page: `${origin}/@${encodeURIComponent(stats.username)}`,
      badge: `${origin}/api/badge/${encodeURIComponent(stats.username)}/last_7_days.svg`,
    },
  };
};
