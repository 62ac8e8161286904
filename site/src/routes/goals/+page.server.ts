import { fail } from "@sveltejs/kit";
import { apiJson } from "$lib/server/api";
import { act, field, requireSignIn } from "$lib/social/server";
import type { Goal } from "$lib/social/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  const [goals, projects] = await Promise.all([
    apiJson<Goal[]>(event, "/api/kodo/goals"),
    apiJson<{ data: { name: string }[] }>(event, "/api/v1/users/current/projects"),
  ]);
  return { goals, projects: projects.data.map((p) => p.name) };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const period = field(form, "period") === "week" ? "week" : "day";
    const hours = Number(field(form, "hours") || 0);
    const minutes = Number(field(form, "minutes") || 0);
    const seconds = Math.round(hours * 3600 + minutes * 60);
    if (!Number.isFinite(seconds) || seconds <= 0) return fail(400, { error: "Set a target of at least one minute." });
    const kind = field(form, "kind");
    const body: Record<string, unknown> = { period, seconds };
    if (kind === "project") body.project = field(form, "project");
    if (kind === "language") body.language = field(form, "language");
    if ((kind === "project" || kind === "language") && !body[kind]) return fail(400, { error: `Name the ${kind} of this goal.` });
    return act(event, "/api/kodo/goals", { method: "POST", body }, "Goal created.");
  },
  delete: async (event) => {
    const form = await event.request.formData();
    return act(event, `/api/kodo/goals/${encodeURIComponent(field(form, "id"))}`, { method: "DELETE" }, "Goal deleted.");
  },
};
