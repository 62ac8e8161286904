import { describe, expect, it } from "vitest";
import { readAtMost } from "./bounded-stream.ts";

function streamOf(chunks: number[]) {
  let i = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i >= chunks.length) return c.close();
      c.enqueue(new Uint8Array(chunks[i++]!).fill(i));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, read: () => i, cancelled: () => cancelled };
}

describe("readAtMost", () => {
  it("returns every byte up to exactly the limit, joined in order", async () => {
    const s = streamOf([3, 0, 4, 3]);
    const bytes = await readAtMost(s.stream, 10);
    expect([...bytes!]).toEqual([1, 1, 1, 3, 3, 3, 3, 4, 4, 4]);
  });

  it("gives null one byte past the limit, cancelling the stream without reading on", async () => {
    const s = streamOf([5, 6, 100, 100]);
    expect(await readAtMost(s.stream, 10)).toBeNull();
    // The stream may have pulled one chunk ahead; never the rest.
    expect(s.read()).toBeLessThanOrEqual(3);
    expect(s.cancelled()).toBe(true);
  });
});
