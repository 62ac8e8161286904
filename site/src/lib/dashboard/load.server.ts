/**
 * Server-side loads of the dashboard pages: one API call through the service binding per view
 * (the API answers everything a view draws at once), so the first view renders from server
 * data with no request waterfall in the browser.
 */
import { redirect, type RequestEvent } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import type { ApiKey } from "$lib/types";
import { dashboardApiQuery, projectApiQuery } from "./query";
import { DASHBOARD_DEPENDENCY } from "./refresh";
import type { DashboardView, ProjectView } from "@kodo/core/dashboard";
import type { Goal } from "$lib/social/types";

/** What a page's server load gets (any route's). */
type LoadEvent = RequestEvent & { depends(...deps: `${string}:${string}`[]): void };

export type Loaded<T> = { view: T; problem: null } | { view: null; problem: { status: number; message: string } };

function requireSignIn(event: RequestEvent): void {
  if (!event.locals.account) redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
}

async function read<T>(event: RequestEvent, path: string): Promise<Loaded<T>> {
  const res = await api(event, path);
  // A bad URL (hand-edited range, unknown project) is shown on the page with the controls to fix it.
  if (res.status === 400 || res.status === 404) return { view: null, problem: { status: res.status, message: await errorText(res) } };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await errorText(res)}`);
  return { view: (await res.json()) as T, problem: null };
}

export async function loadDashboard(event: LoadEvent) {
  requireSignIn(event);
  event.depends(DASHBOARD_DEPENDENCY);
  const query = dashboardApiQuery(event.url.searchParams);
  // Goals come beside the dashboard's own data, fetched in parallel: still one round of reads.
  const [loaded, goals] = await Promise.all([
    read<DashboardView>(event, `/api/kodo/dashboard${query ? `?${query}` : ""}`),
    apiJson<Goal[]>(event, "/api/kodo/goals").catch(() => [] as Goal[]),
  ]);
  let setup: { apiUrl: string; keys: { label: string; hint: string }[] } | null = null;
  if (loaded.view && !loaded.view.hasActivity) {
    // Only a new user needs this second read: the config lines and which keys exist.
    const keys = await apiJson<{ data: ApiKey[] }>(event, "/api/kodo/account/keys");
    setup = { apiUrl: `${event.url.origin}/api/v1`, keys: keys.data.map((k) => ({ label: k.label, hint: k.hint })) };
  }
  return { ...loaded, setup, goals };
}

export async function loadProject(event: LoadEvent, name: string) {
  requireSignIn(event);
  event.depends(DASHBOARD_DEPENDENCY);
  const query = projectApiQuery(event.url.searchParams);
  return read<ProjectView>(event, `/api/kodo/projects/${encodeURIComponent(name)}${query ? `?${query}` : ""}`);
}
