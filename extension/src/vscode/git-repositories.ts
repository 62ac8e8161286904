import * as vscode from "vscode";
import type { Logger } from "../log/logger";

/** The few parts of the built-in git extension's API (extensions/git/src/api/git.d.ts) we use. */
interface GitExtension {
  getAPI(version: 1): GitApi;
}
interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly HEAD: { readonly name?: string } | undefined };
}

export interface RepositoryInfo {
  root: string;
  branch: string | null;
}

export type RepositoryLookup = (uri: vscode.Uri) => RepositoryInfo | undefined;

/**
 * Repository root and branch from the built-in git extension. Its state lives in memory, so
 * the lookup is cheap enough for the keystroke path; we never run git ourselves. Until the
 * git extension is ready (or when it is disabled) the lookup answers undefined and the
 * workspace folder stands in for the project.
 */
export function gitRepositories(logger: Logger): RepositoryLookup {
  let api: GitApi | undefined;
  const extension = vscode.extensions.getExtension<GitExtension>("vscode.git");
  if (extension) {
    Promise.resolve(extension.isActive ? extension.exports : extension.activate())
      .then((exports) => {
        api = exports.getAPI(1);
      })
      .catch((error: unknown) => logger.warn(`Git extension unavailable, no branch names: ${String(error)}`));
  }
  return (uri) => {
    const repo = api?.getRepository(uri);
    if (!repo) return undefined;
    return { root: repo.rootUri.fsPath, branch: repo.state.HEAD?.name ?? null };
  };
}
