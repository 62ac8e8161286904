import { readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

/**
 * Every VS Code window runs its own extension host, and all of them share one globalStorage
 * folder. So each queue instance writes only its own file, named after its process:
 *   q-<pid>-<token>.jsonl       owned by the live process <pid>
 *   released-<token>.jsonl      left by an instance that closed with items still queued
 * A file whose owner process is gone (a crash, a killed window) or that was released is an
 * orphan; any instance may adopt it. Adoption first renames the file to a name owned by the
 * adopter: a rename succeeds for exactly one process, so two windows never adopt the same file.
 */

const OWNED = /^q-(\d+)-([0-9a-f]+)\.jsonl$/;
const RELEASED = /^released-([0-9a-f]+)\.jsonl$/;

export function newToken(): string {
  return randomBytes(6).toString("hex");
}

export function ownedFileName(pid: number, token: string): string {
  return `q-${pid}-${token}.jsonl`;
}

export function releasedFileName(token: string): string {
  return `released-${token}.jsonl`;
}

/** Signal 0 checks that a process exists; EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isOrphan(
  name: string,
  ownName: string,
  isAlive: (pid: number) => boolean,
): boolean {
  if (name === ownName) return false;
  if (RELEASED.test(name)) return true;
  const owned = OWNED.exec(name);
  return owned !== null && !isAlive(Number(owned[1]));
}

/**
 * Renames every orphan in `dir` to a fresh name owned by `pid`; returns the claimed paths.
 * A file another instance claimed first is skipped (its rename fails with ENOENT).
 */
export async function claimOrphans(
  dir: string,
  ownName: string,
  pid: number,
  isAlive: (pid: number) => boolean,
): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const claimed: string[] = [];
  for (const name of names.filter((n) => isOrphan(n, ownName, isAlive)).sort()) {
    const target = join(dir, ownedFileName(pid, newToken()));
    try {
      await rename(join(dir, name), target);
      claimed.push(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return claimed;
}
