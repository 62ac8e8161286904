import type { ActivityCategory } from "./heartbeat-draft";

/**
 * Which category the next heartbeat gets. Several debug sessions or tasks may run at once
 * (a compound launch, a watch task next to a build), so we count them rather than keep a flag.
 * Debugging wins over building: while a debugger is attached, that is what the user is doing.
 */
export class ActivityCategoryState {
  private debugSessions = 0;
  private runningTasks = 0;

  debugStarted(): void {
    this.debugSessions += 1;
  }
  debugEnded(): void {
    this.debugSessions = Math.max(0, this.debugSessions - 1);
  }
  taskStarted(): void {
    this.runningTasks += 1;
  }
  taskEnded(): void {
    this.runningTasks = Math.max(0, this.runningTasks - 1);
  }

  current(): ActivityCategory {
    if (this.debugSessions > 0) return "debugging";
    if (this.runningTasks > 0) return "building";
    return "coding";
  }
}
