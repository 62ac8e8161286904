import { loadProject } from "$lib/dashboard/load.server";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) => loadProject(event, event.params.name);
