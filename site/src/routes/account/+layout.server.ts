import { redirect } from "@sveltejs/kit";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ locals, url }) => {
  if (!locals.account) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
  return { account: locals.account };
};
