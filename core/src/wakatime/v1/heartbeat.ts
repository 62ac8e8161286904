import type { Heartbeat } from "../../types.ts";
import type { StoredHeartbeat } from "../../ports.ts";

/** A heartbeat in WakaTime's wire shape (what plugins send and what the API returns). */
export function toWireHeartbeat(hb: Heartbeat & { id?: string; createdAt?: string }, userId?: string) {
  return {
    ...(hb.id !== undefined ? { id: hb.id } : {}),
    ...(userId !== undefined ? { user_id: userId } : {}),
    entity: hb.entity,
    type: hb.type,
    category: hb.category,
    time: hb.time,
    project: hb.project,
    project_root_count: hb.projectRootCount,
    branch: hb.branch,
    language: hb.language,
    dependencies: hb.dependencies,
    lines: hb.lines,
    lineno: hb.lineNumber,
    cursorpos: hb.cursorPosition,
    line_additions: hb.lineAdditions,
    line_deletions: hb.lineDeletions,
    ai_line_changes: hb.aiLineChanges,
    human_line_changes: hb.humanLineChanges,
    is_write: hb.isWrite,
    editor: hb.editor,
    operating_system: hb.operatingSystem,
    machine_name_id: hb.machine,
    user_agent_id: hb.userAgent,
    ...(hb.createdAt !== undefined ? { created_at: hb.createdAt } : {}),
  };
}

export type WireHeartbeat = ReturnType<typeof toWireHeartbeat>;
export type { StoredHeartbeat };
