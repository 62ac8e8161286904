/**
 * File paths on a project page are shown relative to the folder all of them share (usually
 * the project's root), so the table shows `src/app.ts` rather than a long absolute path.
 */
export function commonFolder(paths: readonly string[]): string {
  const files = paths.filter((p) => p.includes("/") || p.includes("\\"));
  if (files.length < 2) {
    const only = files[0];
    if (!only) return "";
    const cut = Math.max(only.lastIndexOf("/"), only.lastIndexOf("\\"));
    return only.slice(0, cut + 1);
  }
  let prefix = files[0]!;
  for (const p of files) {
    let i = 0;
    while (i < prefix.length && i < p.length && prefix[i] === p[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const cut = Math.max(prefix.lastIndexOf("/"), prefix.lastIndexOf("\\"));
  return prefix.slice(0, cut + 1);
}

export function relativeTo(folder: string, path: string): string {
  return folder && path.startsWith(folder) ? path.slice(folder.length) : path;
}
