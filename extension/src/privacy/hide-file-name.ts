import { keyedHash } from "./keyed-hash";

/**
 * `kodo.hideFileNames`:
 * - "off": the file path is sent as it is;
 * - "hash": a keyed hash of the path, plus the file extension (the language is sent anyway);
 * - "extension": only "HIDDEN" plus the extension, WakaTime's convention for hidden files.
 */
export type HideFileNames = "off" | "hash" | "extension";

export const HIDE_FILE_NAMES_VALUES: readonly HideFileNames[] = ["off", "hash", "extension"];

export function hideFileName(path: string, mode: HideFileNames, secret: string): string {
  switch (mode) {
    case "off":
      return path;
    case "hash":
      return keyedHash(secret, path) + fileExtension(path);
    case "extension":
      return "HIDDEN" + fileExtension(path);
  }
}

/** ".ts" for "/a/b.test.ts", "" for "/a/Makefile" or "/a/.env" (a leading dot is a name). */
export function fileExtension(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}
