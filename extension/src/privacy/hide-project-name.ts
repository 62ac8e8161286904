import { keyedHash } from "./keyed-hash";

/**
 * `kodo.hideProjectNames`: the project name becomes a keyed hash. The file path would give the
 * project folder away, so it is made relative to the project root (when the file is inside it).
 */
export function hideProjectName(
  project: string | null,
  secret: string,
): string | null {
  return project === null ? null : keyedHash(secret, project);
}

/** `/home/me/acme/src/a.ts` under `/home/me/acme` -> `src/a.ts`; outside the root: unchanged. */
export function relativeToRoot(path: string, root: string | null): string {
  if (root === null) return path;
  const normalisedRoot = root.replaceAll("\\", "/").replace(/\/+$/, "") + "/";
  const normalisedPath = path.replaceAll("\\", "/");
  return normalisedPath.startsWith(normalisedRoot)
    ? normalisedPath.slice(normalisedRoot.length)
    : path;
}
