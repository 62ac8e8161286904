import type { AppContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import type { User } from "../../ports.ts";

/**
 * WakaTime paths name the user (`users/current/...`, or the user's id or username). Kodo
 * serves only the key owner's own data on these routes; public data has its own routes.
 */
export function currentUser(c: AppContext): User {
  const param = c.req.param("user");
  const { user } = c.var.auth;
  if (param === undefined || param === "current" || param === user.id || param === user.username) return user;
  throw new ApiError(403, "This API key may only read its own user (use users/current)");
}
