/** Heartbeat ingestion: wire schema, validation, normalisation, placeholders, dedupe key. */
export * from "./limits.ts";
export {
  CATEGORIES,
  ENTITY_TYPES,
  canonicalCategory,
  parseWireHeartbeat,
  wireHeartbeatSchema,
  type Category,
  type EntityType,
  type ParseResult,
  type WireHeartbeat,
  type WireHeartbeatInput,
} from "./schema.ts";
export {
  normaliseHeartbeat,
  validateBatch,
  type BatchResult,
  type ItemResult,
  type RequestContext,
} from "./normalise.ts";
export {
  canonicalEditor,
  canonicalOperatingSystem,
  formatKodoUserAgent,
  parseUserAgent,
  type ParsedUserAgent,
} from "./user-agent.ts";
export { canonicalLanguage, languageFromEditorId } from "./languages.ts";
export {
  LAST_BRANCH,
  LAST_LANGUAGE,
  LAST_PROJECT,
  hasPlaceholders,
  resolvePlaceholders,
  resolvePlaceholdersInOrder,
  type PlaceholderSource,
} from "./placeholders.ts";
export { dedupeKey, dedupeKeys, dedupeKeyMaterial } from "./dedupe.ts";
export { decodeHeartbeatDetail, encodeHeartbeatDetail, type HeartbeatDetail } from "./detail.ts";
export * from "./paging.ts";
