import * as vscode from "vscode";
import { dashboardUrl } from "../status/dashboard-url";
import { pauseFor, NOT_PAUSED, type PauseChoice } from "../tracker/pause";
import type { Connection } from "./connection";
import type { PauseStore } from "./pause-store";

export interface CommandDeps {
  connection: Connection;
  pause: PauseStore;
  showLog(): void;
  sendNow(): Promise<{ queued: number; state: string }>;
  refreshStatus(): void;
}

const PAUSE_CHOICES: Array<vscode.QuickPickItem & { choice: PauseChoice }> = [
  { label: "For 15 minutes", choice: "15m" },
  { label: "For 1 hour", choice: "1h" },
  { label: "Until tomorrow", choice: "tomorrow" },
  { label: "Until I resume", choice: "indefinitely" },
];

/** The `kodo.*` commands declared in package.json `contributes.commands`. */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const { connection, pause } = deps;
  return vscode.Disposable.from(
    vscode.commands.registerCommand("kodo.setApiKey", () => connection.commandSetApiKey()),
    vscode.commands.registerCommand("kodo.setServerUrl", () => connection.commandSetServerUrl()),
    vscode.commands.registerCommand("kodo.openDashboard", async () => {
      const url = dashboardUrl(connection.apiUrl);
      if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
    }),
    vscode.commands.registerCommand("kodo.pauseTracking", async () => {
      const picked = await vscode.window.showQuickPick(PAUSE_CHOICES, { title: "Pause Kodo tracking" });
      if (!picked) return;
      await pause.set(pauseFor(picked.choice, Date.now()));
      deps.refreshStatus();
    }),
    vscode.commands.registerCommand("kodo.resumeTracking", async () => {
      await pause.set(NOT_PAUSED);
      deps.refreshStatus();
    }),
    vscode.commands.registerCommand("kodo.showLog", () => deps.showLog()),
    vscode.commands.registerCommand("kodo.sendNow", async () => {
      const { queued, state } = await deps.sendNow();
      const message =
        queued === 0
          ? "Kodo: all heartbeats are sent."
          : `Kodo: ${queued} heartbeat(s) still queued (${state}).`;
      void vscode.window.showInformationMessage(message);
    }),
  );
}
