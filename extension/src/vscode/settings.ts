import * as vscode from "vscode";
import { HIDE_FILE_NAMES_VALUES, type HideFileNames } from "../privacy/hide-file-name";
import { createPathFilter } from "../privacy/path-filter";
import type { PrivacyRules } from "../privacy/privacy-rules";

export const SECTION = "kodo";

/** `kodo.apiUrl` when set (it has "machine" scope: a workspace cannot redirect the data). */
export function configuredApiUrl(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>("apiUrl", "").trim();
  return value === "" ? undefined : value;
}

export async function storeApiUrl(url: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update("apiUrl", url, vscode.ConfigurationTarget.Global);
}

export function showStatusBar(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>("showStatusBar", true);
}

/** The privacy settings, with globs compiled once per change. */
export function readPrivacyRules(): PrivacyRules {
  const config = vscode.workspace.getConfiguration(SECTION);
  const hide = config.get<string>("hideFileNames", "off");
  const strings = (key: string) =>
    config.get<unknown[]>(key, []).filter((v): v is string => typeof v === "string");
  const known = (HIDE_FILE_NAMES_VALUES as readonly string[]).includes(hide);
  return {
    hideFileNames: known ? (hide as HideFileNames) : "off",
    hideProjectNames: config.get<boolean>("hideProjectNames", false),
    onlyProjectsWithKodoFile: config.get<boolean>("onlyProjectsWithKodoFile", false),
    pathFilter: createPathFilter({
      exclude: strings("exclude"),
      include: strings("include"),
      windows: process.platform === "win32",
    }),
  };
}
