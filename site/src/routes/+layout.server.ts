import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ locals }) => ({
  user: locals.account?.user ?? null,
  theme: locals.theme,
});
