import { loadDashboard } from "$lib/dashboard/load.server";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) => loadDashboard(event);
