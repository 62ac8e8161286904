import type * as vscode from "vscode";
import type { Logger } from "../log/logger";

/** The "Kodo" output channel (a log channel: levels and timestamps come from VS Code). */
export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
}
