import { Minimatch } from "minimatch";
import { relativeToRoot } from "./hide-project-name";

export interface PathFilterOptions {
  /** `kodo.exclude`: glob patterns of files never to track. */
  exclude: readonly string[];
  /** `kodo.include`: glob patterns tracked even when an exclude pattern matches (WakaTime's rule). */
  include: readonly string[];
  /** Windows: match case-insensitively and read backslashes in patterns as separators. */
  windows: boolean;
}

/** Whether a file may be tracked. */
export type PathFilter = (path: string, projectRoot: string | null) => boolean;

/**
 * Builds the include/exclude test once per settings change (patterns are compiled once, the
 * test itself runs for every heartbeat). A pattern matches a file when it matches either its
 * absolute path or its path relative to the project root, both with forward slashes, so
 * "**\/secrets/**" and "/home/me/private/**" both work.
 */
export function createPathFilter(options: PathFilterOptions): PathFilter {
  const compile = (patterns: readonly string[]) =>
    patterns
      .map((p) => p.trim())
      .filter((p) => p !== "")
      .map(
        (p) =>
          new Minimatch(options.windows ? p.replaceAll("\\", "/") : p, {
            dot: true,
            nocase: options.windows,
            windowsPathsNoEscape: options.windows,
          }),
      );
  const exclude = compile(options.exclude);
  const include = compile(options.include);
  if (exclude.length === 0) return () => true;

  return (path, projectRoot) => {
    const candidates = [path.replaceAll("\\", "/")];
    const relative = relativeToRoot(path, projectRoot).replaceAll("\\", "/");
    if (relative !== candidates[0]) candidates.push(relative);
    const matchesAny = (globs: Minimatch[]) =>
      globs.some((g) => candidates.some((c) => g.match(c)));
    return !matchesAny(exclude) || matchesAny(include);
  };
}
