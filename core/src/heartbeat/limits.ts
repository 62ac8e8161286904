/**
 * Input bounds for heartbeat ingestion. They keep one request's cost (CPU, Durable Object
 * storage, D1 rows) bounded whatever a client sends; every limit is generous enough that
 * real WakaTime plugins never reach it.
 */

/** File paths and URLs can be long (deep monorepos, query strings); WakaTime caps near here. */
export const MAX_ENTITY_LENGTH = 1024;

/** Every other text field (project, branch, language, user agent, machine, ...). */
export const MAX_STRING_LENGTH = 255;

/** Heartbeats per request; wakatime-cli sends at most 25 at a time, offline syncs more. */
export const MAX_BATCH_SIZE = 1000;

/** Request body cap (1 MiB): a full batch of realistic heartbeats fits with room to spare. */
export const MAX_BODY_BYTES = 1_048_576;

/** A heartbeat may be this far ahead of the server clock (clock skew); further is refused. */
export const MAX_FUTURE_SKEW_SECONDS = 3600;

/**
 * Dependencies kept per heartbeat. wakatime-cli may send up to 1000 (each up to 200 chars);
 * we keep the first 100 distinct ones instead of refusing the heartbeat, since they are
 * secondary detail and refusing would lose the coding time itself.
 */
export const MAX_DEPENDENCIES = 100;

/** Upper bound for line counts and positions (fits a signed 32-bit column). */
export const MAX_LINE_NUMBER = 2_147_483_647;

/**
 * The earliest heartbeat time accepted: 2000-01-01T00:00:00Z. No editor plugin existed before
 * (WakaTime started in 2013), so an older time is a broken clock or a zeroed field (1970), and
 * one such heartbeat would stretch every "all time" view across decades. Older items are refused
 * per item (400), and imports count them as rejected.
 */
export const MIN_HEARTBEAT_TIME = 946_684_800;
