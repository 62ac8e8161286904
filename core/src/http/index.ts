export { createApi, wakatimeApi } from "./app.ts";
export type { AppEnv, AppContext } from "./context.ts";
export { apiKeyOf, hashKey, looksLikeKey, requireApiKey } from "./auth.ts";
export { ApiError, jsonError } from "./errors.ts";
export { HEARTBEAT_BODY_BYTES, SMALL_BODY_BYTES, readBoundedBytes, readBoundedText } from "./body.ts";
export { withBody } from "./bounded-stream.ts";
export {
  addOpenApiSource,
  endpointRoutes,
  openApiDocument,
  toOpenApiPaths,
  undocumentedRoutes,
  type OpenApiDocument,
  type OpenApiSource,
} from "./openapi.ts";
export * from "./openapi-wakatime.ts";
export { errorSchema } from "./openapi-schemas.ts";
export { publicStatsSchema } from "./routes/public-schemas.ts";
export { shieldsEndpointSchema } from "./routes/badge.ts";
export { relayAnswerSchema, relaySetSchema } from "./routes/account-relay.ts";
export { FRIEND_REQUEST_SENT } from "./routes/friends.ts";
export { TEAM_INVITE_SENT } from "./routes/team-invites.ts";
export { wakaGoalsSchema, wakaGoalOneSchema } from "./routes/wakatime-goals.ts";
export { privateLeaderboardsSchema, privateLeadersSchema } from "./routes/wakatime-leaderboards.ts";
export { leadersSchema } from "./routes/social-schemas.ts";
export { insightSchema } from "./routes/wakatime-insights.ts";
export { dataDumpListSchema, dataDumpSchema } from "./routes/wakatime-data-dumps.ts";
export { externalDurationListSchema, externalBulkSchema, externalDurationSchema } from "./routes/wakatime-external-durations.ts";
