import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../tracker/clock";

/** How long a "has a .kodo marker" answer is trusted before the disk is asked again. */
export const KODO_FILE_CACHE_MS = 5 * 60 * 1000;

export type KodoFileCheck = (projectRoot: string) => Promise<boolean>;

/**
 * `kodo.onlyProjectsWithKodoFile`: only projects whose root holds a `.kodo` file (or folder,
 * which the local dev server creates) are tracked. The answer is cached per root so the disk
 * is asked once every few minutes at most, and never on the keystroke path (this runs in the
 * asynchronous pipeline after the tracker).
 */
export function createKodoFileCheck(clock: Clock): KodoFileCheck {
  const cache = new Map<string, { present: Promise<boolean>; checkedAtMs: number }>();
  return (projectRoot) => {
    const nowMs = clock();
    const hit = cache.get(projectRoot);
    if (hit && nowMs - hit.checkedAtMs < KODO_FILE_CACHE_MS) return hit.present;
    const present = stat(join(projectRoot, ".kodo")).then(
      () => true,
      () => false,
    );
    cache.set(projectRoot, { present, checkedAtMs: nowMs });
    return present;
  };
}
