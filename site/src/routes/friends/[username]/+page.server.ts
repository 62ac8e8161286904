import { apiJson } from "$lib/server/api";
import { socialRange } from "$lib/social/ranges";
import { requireSignIn } from "$lib/social/server";
import type { PublicStats } from "$lib/social/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  const range = socialRange(event.url.searchParams.get("range"));
  // 404 (not friends, or no such user) is the API's answer, shown by the error page.
  const stats = await apiJson<{ data: PublicStats }>(event, `/api/kodo/friends/${encodeURIComponent(event.params.username)}/stats?range=${range}`);
  return { range, stats: stats.data };
};
