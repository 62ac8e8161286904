/**
 * WakaTime placeholders. Some plugins (notably the browser extension for domain/url
 * heartbeats) send `<<LAST_PROJECT>>`, `<<LAST_BRANCH>>` or `<<LAST_LANGUAGE>>`, meaning "the
 * value of my previous heartbeat". These three are the full set Wakapi handles. Resolution
 * needs the user's previous heartbeat, so it runs where that is known (the user's Durable
 * Object), after validation and normalisation.
 */
import type { Heartbeat } from "../types.ts";

export const LAST_PROJECT = "<<LAST_PROJECT>>";
export const LAST_BRANCH = "<<LAST_BRANCH>>";
export const LAST_LANGUAGE = "<<LAST_LANGUAGE>>";

export type PlaceholderSource = Pick<Heartbeat, "project" | "language" | "branch">;

/** True when any of the heartbeat's fields is still a placeholder. */
export function hasPlaceholders(hb: PlaceholderSource): boolean {
  return hb.project === LAST_PROJECT || hb.branch === LAST_BRANCH || hb.language === LAST_LANGUAGE;
}

/**
 * Replaces placeholders with the previous heartbeat's values, or null when there is no
 * previous heartbeat (or it had none): a literal "<<LAST_PROJECT>>" must never become a
 * project name. Returns the same object when there is nothing to replace.
 */
export function resolvePlaceholders(hb: Heartbeat, last: PlaceholderSource | null): Heartbeat {
  if (!hasPlaceholders(hb)) return hb;
  return {
    ...hb,
    project: hb.project === LAST_PROJECT ? (last?.project ?? null) : hb.project,
    branch: hb.branch === LAST_BRANCH ? (last?.branch ?? null) : hb.branch,
    language: hb.language === LAST_LANGUAGE ? (last?.language ?? null) : hb.language,
  };
}

/**
 * Resolves a sequence in the order given (request order, or time order: the caller decides),
 * each heartbeat falling back on the one before it once resolved, the first on `last`.
 */
export function resolvePlaceholdersInOrder(
  heartbeats: readonly Heartbeat[],
  last: PlaceholderSource | null,
): Heartbeat[] {
  let previous = last;
  return heartbeats.map((hb) => {
    const resolved = resolvePlaceholders(hb, previous);
    previous = resolved;
    return resolved;
  });
}
