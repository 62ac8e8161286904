import { apiJson } from "$lib/server/api";
import { socialRange } from "$lib/social/ranges";
import { requireSignIn } from "$lib/social/server";
import type { Leaderboard, TeamSummary } from "$lib/social/types";
import type { PageServerLoad } from "./$types";

const SCOPES = ["global", "friends", "team"] as const;

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  const q = event.url.searchParams;
  const range = socialRange(q.get("range"));
  const scope = SCOPES.find((s) => s === q.get("scope")) ?? "global";
  const language = (q.get("language") ?? "").trim().slice(0, 100);
  const page = Math.max(1, Math.floor(Number(q.get("page")) || 1));
  const params = new URLSearchParams({ range, page: String(page) });
  if (language) params.set("language", language);

  if (scope !== "team") {
    const board = await apiJson<Leaderboard>(event, `/api/kodo/leaderboards?scope=${scope}&${params}`);
    return { range, scope, language, team: null, teams: [] as TeamSummary[], board };
  }
  // The team tab: the caller's teams, then the chosen (or first) team's own, members-only board.
  const teams = await apiJson<TeamSummary[]>(event, "/api/kodo/teams");
  const team = teams.find((t) => t.id === q.get("team"))?.id ?? teams[0]?.id ?? null;
  let board: Leaderboard | null = null;
  if (team) {
    // The team's own, members-only ranking: one page, no language filter (the API ranks coding time only).
    const got = await apiJson<{ data: Leaderboard["data"] }>(event, `/api/kodo/teams/${encodeURIComponent(team)}/leaderboard?range=${range}`);
    const mine = got.data.find((r) => r.user.username === event.locals.account?.user.username);
    board = { range, scope, language: null, page: 1, pages: 1, total: got.data.length, me: mine ? { rank: mine.rank, totalSeconds: mine.totalSeconds } : null, data: got.data };
  }
  return { range, scope, language: "", team, teams, board };
};
