import type * as vscode from "vscode";
import { NOT_PAUSED, type PauseState } from "../tracker/pause";

const KEY = "kodo.pause";

/** The pause lives in global state: it survives a reload and applies to every window. */
export class PauseStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(): PauseState {
    return this.memento.get<PauseState>(KEY, NOT_PAUSED);
  }

  set(state: PauseState): Thenable<void> {
    return this.memento.update(KEY, state);
  }
}
