import * as vscode from "vscode";
import { statusView, type StatusInput } from "../status/status-view";

/** The status bar item: text from status-view.ts, click opens the dashboard. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("kodo.status", vscode.StatusBarAlignment.Left, 1);
  private lastText = "";

  constructor() {
    this.item.name = "Kodo";
    this.item.command = "kodo.openDashboard";
  }

  update(input: StatusInput, visible: boolean): void {
    if (!visible) {
      this.item.hide();
      return;
    }
    const view = statusView(input);
    const key = view.text + view.tooltip + String(view.warning);
    if (key !== this.lastText) {
      this.lastText = key;
      this.item.text = view.text;
      this.item.tooltip = view.tooltip;
      this.item.backgroundColor = view.warning
        ? new vscode.ThemeColor("statusBarItem.warningBackground")
        : undefined;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
