/**
 * Reading an answer from a server we do not control with a byte cap: the body is consumed as a
 * stream and abandoned (cancelled) as soon as it passes the cap, so a huge or endless answer
 * costs at most `maxBytes` of reading and never sits in memory whole. A Content-Length above
 * the cap is refused before reading anything.
 */
export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${formatBytes(maxBytes)}`);
  }
}

/** The body's chunks, failing with TooLargeError past `maxBytes`. */
export async function* cappedChunks(res: Response, maxBytes: number): AsyncGenerator<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new TooLargeError(maxBytes);
  }
  if (!res.body) return;
  const reader = res.body.getReader();
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      total += value.byteLength;
      if (total > maxBytes) throw new TooLargeError(maxBytes);
      yield value;
    }
  } finally {
    // Early exit (cap, caller stopped, parse error): stop the download.
    if (!finished) await reader.cancel().catch(() => {});
  }
}

/** The whole body as text, at most `maxBytes` (for small answers: lookups, DNS). */
export async function cappedText(res: Response, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of cappedChunks(res, maxBytes)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function formatBytes(n: number): string {
  return n >= 1_048_576 ? `${n / 1_048_576} MiB` : `${n / 1024} KiB`;
}
