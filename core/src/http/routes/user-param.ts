import type { AppContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import type { User } from "../../ports.ts";

/** The username a path names: WakaTime accepts `alice` and `@alice`. */
export function pathUsername(param: string): string {
  return param.startsWith("@") ? param.slice(1) : param;
}

/** Whether a `users/{user}` path segment names this user (`current`, their id, or their username). */
export function namesUser(param: string | undefined, user: Pick<User, "id" | "username">): boolean {
  if (param === undefined || param === "current" || param === user.id) return true;
  return pathUsername(param).toLowerCase() === user.username.toLowerCase();
}

/**
 * WakaTime paths name the user (`users/current/...`, or the user's id or username). The
 * key-only routes serve only the key owner's own data; others' public data comes from the
 * public branch of `users/{user}` and `users/{user}/stats` (public-wakatime.ts) or Kodo's own
 * public routes.
 */
export function currentUser(c: AppContext): User {
  const { user } = c.var.auth;
  if (namesUser(c.req.param("user"), user)) return user;
  throw new ApiError(403, "This API key may only read its own user (use users/current)");
}
