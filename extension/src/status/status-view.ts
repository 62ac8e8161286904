import type { ConnectionState } from "../sync/sync-loop";

export interface StatusInput {
  /** Today's total as the server words it, when known. */
  todayText: string | undefined;
  queued: number;
  connection: ConnectionState;
  paused: boolean;
  /** When a timed pause ends, as local time text ("14:45"), or null for "until resumed". */
  pausedUntilText: string | null;
}

export interface StatusView {
  /** Status bar text with codicons. */
  text: string;
  tooltip: string;
  /** Draw attention (warning colours) when the user has to act. */
  warning: boolean;
}

/** What the status bar shows, as a pure function of the state. */
export function statusView(input: StatusInput): StatusView {
  const total = input.todayText ?? "Kodo";
  const queuedNote = input.queued > 0 ? `${input.queued} heartbeat(s) waiting to be sent` : "";
  const lines: string[] = [];
  let icon = "$(clock)";
  let warning = false;

  if (input.paused) {
    icon = "$(debug-pause)";
    lines.push(input.pausedUntilText ? `Tracking paused until ${input.pausedUntilText}` : "Tracking paused");
  }
  switch (input.connection.kind) {
    case "no-credentials":
      icon = "$(key)";
      warning = true;
      lines.push("No API key yet: run “Kodo: Set API Key”. Activity is kept until then.");
      break;
    case "unauthorized":
      icon = "$(key)";
      warning = true;
      lines.push("The server refused the API key: run “Kodo: Set API Key”. Activity is kept.");
      break;
    case "offline":
      if (!input.paused) icon = "$(cloud-offline)";
      lines.push(`Offline (${input.connection.reason}); retrying automatically.`);
      break;
    case "online":
      break;
  }
  if (queuedNote) lines.push(queuedNote);
  const today = input.todayText ? `Today: ${input.todayText}. ` : "";
  lines.push(`${today}Click to open the dashboard.`);

  // The queue is normal between sends; it is worth showing only when it is stuck.
  const stuck = input.queued > 0 && input.connection.kind !== "online";
  const queuedBadge = stuck ? ` $(cloud-upload) ${input.queued}` : "";
  return { text: `${icon} ${total}${queuedBadge}`, tooltip: lines.join("\n"), warning };
}

/** "14:45" for a pause that ends today, "Tue 00:00" for one that ends on another day. */
export function pauseEndText(untilMs: number, nowMs: number): string {
  const end = new Date(untilMs);
  const time = `${String(end.getHours()).padStart(2, "0")}:${String(end.getMinutes()).padStart(2, "0")}`;
  if (end.toDateString() === new Date(nowMs).toDateString()) return time;
  return `${end.toLocaleDateString(undefined, { weekday: "short" })} ${time}`;
}
