import type { Context } from "hono";
import type { AuthenticatedKey, Ports } from "../ports.ts";

/** What the entry file and the middleware put on every request's context. */
export type AppEnv = {
  Variables: {
    ports: Ports;
    auth: AuthenticatedKey;
  };
};

export type AppContext = Context<AppEnv>;
