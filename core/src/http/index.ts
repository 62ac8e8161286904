export { createApi, wakatimeApi } from "./app.ts";
export type { AppEnv, AppContext } from "./context.ts";
export { apiKeyOf, hashKey, looksLikeKey, requireApiKey } from "./auth.ts";
export { ApiError, jsonError } from "./errors.ts";
