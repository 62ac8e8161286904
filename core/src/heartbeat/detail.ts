import type { Heartbeat } from "../types.ts";

/**
 * The heartbeat fields that stores keep as one JSON "detail" value beside the columns they index
 * or merge on (time, entity and the session dimensions). One encoding for every store, so a log
 * written by one adapter reads back the same in another.
 */
export type HeartbeatDetail = Pick<
  Heartbeat,
  | "projectRootCount"
  | "dependencies"
  | "lines"
  | "lineNumber"
  | "cursorPosition"
  | "lineAdditions"
  | "lineDeletions"
  | "userAgent"
  | "aiLineChanges"
  | "humanLineChanges"
>;

export function encodeHeartbeatDetail(hb: Heartbeat): string {
  const detail: HeartbeatDetail = {
    projectRootCount: hb.projectRootCount,
    dependencies: hb.dependencies,
    lines: hb.lines,
    lineNumber: hb.lineNumber,
    cursorPosition: hb.cursorPosition,
    lineAdditions: hb.lineAdditions,
    lineDeletions: hb.lineDeletions,
    userAgent: hb.userAgent,
    aiLineChanges: hb.aiLineChanges,
    humanLineChanges: hb.humanLineChanges,
  };
  return JSON.stringify(detail);
}

/** The detail fields from their stored JSON; fields missing from older rows read as empty. */
export function decodeHeartbeatDetail(json: string): HeartbeatDetail {
  const d = JSON.parse(json) as Partial<HeartbeatDetail>;
  return {
    projectRootCount: d.projectRootCount ?? null,
    dependencies: d.dependencies ?? [],
    lines: d.lines ?? null,
    lineNumber: d.lineNumber ?? null,
    cursorPosition: d.cursorPosition ?? null,
    lineAdditions: d.lineAdditions ?? null,
    lineDeletions: d.lineDeletions ?? null,
    userAgent: d.userAgent ?? null,
    aiLineChanges: d.aiLineChanges ?? null,
    humanLineChanges: d.humanLineChanges ?? null,
  };
}
