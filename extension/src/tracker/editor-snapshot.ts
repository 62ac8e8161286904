/**
 * What the editor looked like at the moment of an event, read by the VS Code adapter from
 * in-memory editor state only (no disk, no network), so it is cheap on the keystroke path.
 */
export interface EditorSnapshot {
  /** Absolute file-system path; for a notebook cell, the notebook file's path. */
  filePath: string;
  /** VS Code language id ("typescript", "python", ...). */
  languageId: string;
  lineCount: number;
  /** 1-based line of the cursor. */
  lineNumber: number;
  /** 1-based column of the cursor. */
  cursorPosition: number;
  /** Git repository root, else the workspace folder, else null. */
  projectRoot: string | null;
  /** The workspace folder that holds the file, or null for a file outside the workspace. */
  workspaceFolder: string | null;
  /** Project name: the git root's folder name, else the workspace folder's name. */
  project: string | null;
  branch: string | null;
  isNotebook: boolean;
}

/**
 * An editor event as the tracker sees it.
 * - `edit`: the document text changed (typing, paste, undo).
 * - `save`: the document was saved (the only kind that is a write).
 * - `select`: the cursor or selection moved.
 * - `scroll`: the visible range changed.
 * - `switch`: another editor, tab or notebook became active, or the window got focus.
 */
export type ActivityKind = "edit" | "save" | "select" | "scroll" | "switch";

export interface ActivityEvent {
  kind: ActivityKind;
  snapshot: EditorSnapshot;
  /** Whether this editor window has OS focus. */
  windowFocused: boolean;
  /** Lines added and removed by this edit (only for `edit`). */
  lineChanges?: LineChanges;
}

export interface LineChanges {
  added: number;
  deleted: number;
}
