/**
 * Sign-in, shared by every platform (`@kodo/core/auth`): Kodo's Better Auth configuration, the
 * endpoint allow-list, the mail port, the routes and the SessionResolver on Better Auth. The
 * platforms add their database adapter, rate-limit storage and mail sender (worker/src/auth,
 * sam/src/auth). A subpath of its own so that the main entry never loads Better Auth.
 */
export * from "./config.ts";
export * from "./email.ts";
export * from "./endpoints.ts";
export * from "./better-auth.ts";
export * from "./sessions.ts";
export * from "./routes.ts";
export { betterAuthOpenApi } from "./openapi.ts";
