import * as path from "node:path";
import * as vscode from "vscode";
import type { EditorSnapshot } from "../tracker/editor-snapshot";
import type { RepositoryLookup } from "./git-repositories";

/**
 * Reads an EditorSnapshot from VS Code's in-memory state (no disk, no network). Only real
 * files are tracked: untitled buffers, output panes, settings and diff views are not work on
 * a file of a project. A notebook cell counts as its notebook file.
 */
export function readSnapshot(
  document: vscode.TextDocument,
  selection: vscode.Selection | undefined,
  repositories: RepositoryLookup,
): EditorSnapshot | undefined {
  const fileUri = trackedFileUri(document.uri);
  if (fileUri === undefined) return undefined;
  const repo = repositories(fileUri);
  const folder = vscode.workspace.getWorkspaceFolder(fileUri);
  const projectRoot = repo?.root ?? folder?.uri.fsPath ?? null;
  const position = selection?.active;
  return {
    filePath: fileUri.fsPath,
    languageId: document.languageId,
    lineCount: document.lineCount,
    lineNumber: (position?.line ?? 0) + 1,
    cursorPosition: (position?.character ?? 0) + 1,
    projectRoot,
    workspaceFolder: folder?.uri.fsPath ?? null,
    project: repo ? path.basename(repo.root) : (folder?.name ?? null),
    branch: repo?.branch ?? null,
    isNotebook: document.uri.scheme === "vscode-notebook-cell",
  };
}

function trackedFileUri(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme === "file") return uri;
  // A cell's URI is its notebook's path with a fragment naming the cell.
  if (uri.scheme === "vscode-notebook-cell") return uri.with({ scheme: "file", fragment: "" });
  return undefined;
}

/** The selection of the editor showing `document`, if one is visible. */
export function selectionOf(document: vscode.TextDocument): vscode.Selection | undefined {
  const active = vscode.window.activeTextEditor;
  if (active?.document === document) return active.selection;
  return vscode.window.visibleTextEditors.find((e) => e.document === document)?.selection;
}
