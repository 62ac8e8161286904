import { api, redirectWithCookies } from "$lib/server/api";
import type { RequestHandler } from "./$types";

/** Ends the session (Better Auth deletes it and clears the cookie). */
export const POST: RequestHandler = async (event) => {
  const res = await api(event, "/api/auth/sign-out", { method: "POST", body: {} });
  return redirectWithCookies("/", res);
};
