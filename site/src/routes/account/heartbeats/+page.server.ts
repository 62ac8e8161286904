import { fail } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const projects = await apiJson<{ data: { name: string }[] }>(event, "/api/v1/users/current/projects");
  return { projects: projects.data.map((p) => p.name).sort((a, b) => a.localeCompare(b)) };
};

/**
 * The API deletes a bounded chunk per call and says whether more is left: the action repeats
 * the call (a few times per form post; a very large deletion asks to press again).
 */
const CALLS_PER_POST = 20;

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const field = (name: string) => String(form.get(name) ?? "").trim();
    const mode = field("mode");
    const body: Record<string, string> = {};
    if (mode === "project" || mode === "project-range") body.project = field("project");
    if (mode === "range" || mode === "project-range") {
      body.start = field("start");
      body.end = field("end");
    }
    const expected = mode === "range" ? `${body.start} ${body.end}` : body.project;
    if (field("confirm") !== expected) {
      return fail(400, { error: `Type ${mode === "range" ? "the two dates, separated by a space" : "the project name"} to confirm.`, mode, ...body });
    }
    let deleted = 0;
    for (let i = 0; i < CALLS_PER_POST; i++) {
      const res = await api(event, "/api/kodo/account/heartbeats/delete", { method: "POST", body });
      if (!res.ok) return fail(res.status, { error: await errorText(res), deleted, mode, ...body });
      const chunk = (await res.json()) as { deleted: number; done: boolean };
      deleted += chunk.deleted;
      if (chunk.done) return { deleted, done: true, mode, ...body };
    }
    return { deleted, done: false, mode, ...body };
  },
};
