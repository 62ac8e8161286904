import { canonicalLanguage } from "../language/language-names";
import type { Clock } from "./clock";
import type { ActivityEvent } from "./editor-snapshot";
import type { ActivityCategory, HeartbeatDraft } from "./heartbeat-draft";
import { isUserActivity, shouldSendHeartbeat, type LastHeartbeat } from "./heartbeat-rules";
import { LineChangeTotals } from "./line-changes";

export interface TrackerOptions {
  clock: Clock;
  /** The category right now (coding / debugging / building). */
  category: () => ActivityCategory;
  isPaused: (nowMs: number) => boolean;
  /**
   * Receives each heartbeat the rules let through. Called on the keystroke path: it must only
   * hand the draft on (no I/O), the pipeline does the rest asynchronously.
   */
  emit: (draft: HeartbeatDraft) => void;
}

/**
 * Turns editor events into heartbeat drafts following WakaTime's rules (heartbeat-rules.ts).
 * Synchronous and I/O-free: it runs on every keystroke.
 */
export class Tracker {
  private last: LastHeartbeat | undefined;
  private readonly lineTotals = new LineChangeTotals();

  constructor(private readonly options: TrackerOptions) {}

  /** Returns true when the event produced a heartbeat. */
  handle(event: ActivityEvent): boolean {
    const nowMs = this.options.clock();
    if (this.options.isPaused(nowMs)) {
      // Edits made while paused must not show up later as line changes.
      this.lineTotals.clear();
      return false;
    }
    const { snapshot } = event;
    if (event.kind === "edit" && event.lineChanges && isUserActivity("edit", event.windowFocused)) {
      this.lineTotals.add(snapshot.filePath, event.lineChanges);
    }
    const category = this.options.category();
    const candidate = {
      kind: event.kind,
      entity: snapshot.filePath,
      category,
      windowFocused: event.windowFocused,
    };
    if (!shouldSendHeartbeat(this.last, candidate, nowMs)) return false;

    const changes = this.lineTotals.take(snapshot.filePath);
    this.last = { entity: snapshot.filePath, timeMs: nowMs, category };
    this.options.emit({
      timeMs: nowMs,
      entity: snapshot.filePath,
      category,
      project: snapshot.project,
      projectRoot: snapshot.projectRoot,
      projectRootCount: snapshot.projectRoot === null ? null : countPathSegments(snapshot.projectRoot),
      branch: snapshot.branch,
      language: canonicalLanguage(snapshot.languageId),
      lines: snapshot.lineCount,
      lineNumber: snapshot.lineNumber,
      cursorPosition: snapshot.cursorPosition,
      isWrite: event.kind === "save",
      lineAdditions: changes?.added ?? null,
      lineDeletions: changes?.deleted ?? null,
    });
    return true;
  }
}

/**
 * wakatime-cli's `project_root_count`: the number of slashes in the project folder path with a
 * trailing slash ("/home/me/proj" -> 4). Servers use it to show paths relative to the project.
 */
export function countPathSegments(folder: string): number {
  let path = folder.replaceAll("\\", "/");
  if (!path.endsWith("/")) path += "/";
  return path.split("/").length - 1;
}
