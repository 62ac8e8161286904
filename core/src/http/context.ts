import type { Context } from "hono";
import type { AuthenticatedKey, Ports } from "../ports.ts";
import type { SignedInSession } from "../accounts/ports.ts";

/** What the entry file and the middleware put on every request's context. */
export type AppEnv = {
  Variables: {
    ports: Ports;
    auth: AuthenticatedKey;
    /** Set when a sign-in cookie (not an API key) authenticated the request. */
    session?: SignedInSession;
  };
};

export type AppContext = Context<AppEnv>;
