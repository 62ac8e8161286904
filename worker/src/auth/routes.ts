/** The shared sign-in routes (@kodo/core/auth) on the Worker's bindings. */
import { authRoutes as sharedAuthRoutes } from "@kodo/core/auth";
import { authConfigFor, authFor } from "./better-auth.ts";
import { d1Outbox } from "./email.ts";

export function authRoutes() {
  return sharedAuthRoutes<{ Bindings: Env }>({
    config: (c) => authConfigFor(c.env),
    auth: (c) => authFor(c.env),
    outbox: (c) => d1Outbox(c.env.DB),
  });
}
