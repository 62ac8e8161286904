import { apiJson } from "$lib/server/api";
import type { ImportJob } from "$lib/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const jobs = await apiJson<{ data: ImportJob[] }>(event, "/api/kodo/account/imports");
  return { jobs: jobs.data };
};
