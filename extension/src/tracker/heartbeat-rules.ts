import type { ActivityCategory } from "./heartbeat-draft";
import type { ActivityKind } from "./editor-snapshot";

/** WakaTime's rule: in the same file, at most one (non-write) heartbeat per 2 minutes. */
export const TIME_BETWEEN_HEARTBEATS_MS = 2 * 60 * 1000;

/** The last heartbeat the tracker decided to send. */
export interface LastHeartbeat {
  entity: string;
  timeMs: number;
  category: ActivityCategory;
}

export interface HeartbeatCandidate {
  kind: ActivityKind;
  entity: string;
  category: ActivityCategory;
  windowFocused: boolean;
}

/** True once more than 2 minutes separate the last heartbeat from `nowMs`. */
export function enoughTimePassed(lastMs: number, nowMs: number): boolean {
  return lastMs + TIME_BETWEEN_HEARTBEATS_MS < nowMs;
}

/**
 * Whether an editor event counts as the user being active in this window at all.
 * A save counts even when the window has lost focus (auto-save "onFocusChange" saves right as
 * the user leaves, and the write is real work). Everything else needs focus: scrolling an
 * unfocused window with the mouse wheel, or text changed by a git checkout in a window nobody
 * is looking at, is not the user coding here.
 */
export function isUserActivity(kind: ActivityKind, windowFocused: boolean): boolean {
  return kind === "save" || windowFocused;
}

/**
 * WakaTime's sending rule, spelled out. A heartbeat is due when
 *   (a) it is the first one, or
 *   (b) the file was saved (is_write), or
 *   (c) the file differs from the last heartbeat's, or
 *   (d) more than 2 minutes passed since the last heartbeat, or
 *   (e) the category changed (a debug session or a task started or ended): Kodo's addition,
 *       so that a session's category boundary is not late by up to 2 minutes.
 * Otherwise the event collapses into the last heartbeat: edits inside one file within 2 minutes
 * make a single heartbeat.
 */
export function shouldSendHeartbeat(
  last: LastHeartbeat | undefined,
  candidate: HeartbeatCandidate,
  nowMs: number,
): boolean {
  if (!isUserActivity(candidate.kind, candidate.windowFocused)) return false;
  if (last === undefined) return true;
  if (candidate.kind === "save") return true;
  if (candidate.entity !== last.entity) return true;
  if (candidate.category !== last.category) return true;
  return enoughTimePassed(last.timeMs, nowMs);
}
