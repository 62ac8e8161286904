import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../test/builders";
import { createKodoFileCheck, KODO_FILE_CACHE_MS } from "./kodo-file-check";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kodo-marker-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createKodoFileCheck", () => {
  it("finds a .kodo file or folder and caches the answer for a while", async () => {
    const clock = new FakeClock();
    const check = createKodoFileCheck(clock.now);
    const withFile = join(dir, "a");
    const withFolder = join(dir, "b");
    const without = join(dir, "c");
    await mkdir(withFile);
    await writeFile(join(withFile, ".kodo"), "");
    await mkdir(join(withFolder, ".kodo"), { recursive: true });
    await mkdir(without);

    expect(await check(withFile)).toBe(true);
    expect(await check(withFolder)).toBe(true);
    expect(await check(without)).toBe(false);

    await writeFile(join(without, ".kodo"), "");
    expect(await check(without)).toBe(false); // still cached
    clock.advance(KODO_FILE_CACHE_MS);
    expect(await check(without)).toBe(true);
  });
});
