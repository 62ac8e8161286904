import * as vscode from "vscode";
import type { ActivityEvent, ActivityKind, LineChanges } from "../tracker/editor-snapshot";
import { countLineChanges } from "../tracker/line-changes";
import type { RepositoryLookup } from "./git-repositories";
import { readSnapshot, selectionOf } from "./read-snapshot";

export interface EditorEventSink {
  handle(event: ActivityEvent): void;
  categories: {
    debugStarted(): void;
    debugEnded(): void;
    taskStarted(): void;
    taskEnded(): void;
  };
}

/**
 * Subscribes to the VS Code events that mean activity and hands them to the tracker. Each
 * handler only reads in-memory editor state and calls the synchronous tracker: nothing here
 * waits for the disk or the network, so typing is never slowed down.
 */
export function subscribeEditorEvents(
  sink: EditorEventSink,
  repositories: RepositoryLookup,
): vscode.Disposable {
  const emit = (kind: ActivityKind, document: vscode.TextDocument | undefined, lineChanges?: LineChanges) => {
    if (!document) return;
    const snapshot = readSnapshot(document, selectionOf(document), repositories);
    if (!snapshot) return;
    sink.handle({
      kind,
      snapshot,
      windowFocused: vscode.window.state.focused,
      ...(lineChanges ? { lineChanges } : {}),
    });
  };
  const activeDocument = () => vscode.window.activeTextEditor?.document;

  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor((editor) => emit("switch", editor?.document)),
    vscode.window.onDidChangeActiveNotebookEditor((editor) => {
      if (editor) emit("switch", notebookCellDocument(editor.notebook));
    }),
    vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) emit("switch", activeDocument());
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document === activeDocument()) emit("select", e.textEditor.document);
    }),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
      if (e.textEditor.document === activeDocument()) emit("scroll", e.textEditor.document);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Only the document being edited in the active editor: background changes (a formatter
      // on another file, a git checkout reloading open files) are not the user typing.
      if (e.contentChanges.length === 0 || e.document !== activeDocument()) return;
      const changes = countLineChanges(
        e.contentChanges.map((c) => ({
          startLine: c.range.start.line,
          endLine: c.range.end.line,
          text: c.text,
        })),
      );
      emit("edit", e.document, changes);
    }),
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      // Cells added, removed or moved (cell text edits arrive as text document changes).
      if (e.contentChanges.length === 0) return;
      if (vscode.window.activeNotebookEditor?.notebook !== e.notebook) return;
      emit("edit", notebookCellDocument(e.notebook));
    }),
    vscode.workspace.onDidSaveTextDocument((document) => emit("save", document)),
    vscode.workspace.onDidSaveNotebookDocument((notebook) => emit("save", notebookCellDocument(notebook))),
    vscode.debug.onDidStartDebugSession(() => sink.categories.debugStarted()),
    vscode.debug.onDidTerminateDebugSession(() => sink.categories.debugEnded()),
    // Background tasks (a `tsc --watch` started with the folder) run all day: counting them
    // would turn every hour into "building".
    vscode.tasks.onDidStartTask((e) => {
      if (!e.execution.task.isBackground) sink.categories.taskStarted();
    }),
    vscode.tasks.onDidEndTask((e) => {
      if (!e.execution.task.isBackground) sink.categories.taskEnded();
    }),
  );
}

/**
 * A notebook heartbeat is made from one of its cells (the entity is the notebook file either
 * way): the selected cell when the notebook is in the active editor, else the first code cell,
 * so the language is the notebook's language rather than Markdown.
 */
function notebookCellDocument(notebook: vscode.NotebookDocument): vscode.TextDocument | undefined {
  const editor = vscode.window.activeNotebookEditor;
  if (editor?.notebook === notebook && editor.selection.start < notebook.cellCount) {
    return notebook.cellAt(editor.selection.start).document;
  }
  const cells = notebook.getCells();
  return (cells.find((c) => c.kind === vscode.NotebookCellKind.Code) ?? cells[0])?.document;
}
