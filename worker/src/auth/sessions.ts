/** The SessionResolver port on Better Auth (@kodo/core/auth), with Kodo's users read from D1. */
import { drizzle } from "drizzle-orm/d1";
import type { SessionResolver } from "@kodo/core";
import { betterAuthSessions as sharedSessions } from "@kodo/core/auth";
import { findUser } from "../stores/account-admin.ts";
import { authConfigFor, authFor } from "./better-auth.ts";

export function betterAuthSessions(env: Env): SessionResolver | undefined {
  const cfg = authConfigFor(env);
  if (!cfg) return undefined;
  return sharedSessions(cfg, () => authFor(env), (userId) => findUser(drizzle(env.DB), userId));
}
