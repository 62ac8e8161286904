/**
 * The byte counting under every bounded body read (body.ts for the API, the site's hook for
 * its forms): platform-neutral and free of Hono, so the dashboard imports it too
 * (`@kodo/core/bounded-stream`).
 */

/**
 * All of `stream`'s bytes if there are at most `limit`, else null, the stream then cancelled
 * as soon as the limit is passed: nothing past it is read or kept.
 */
export async function readAtMost(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  // One chunk (most small bodies, and every heartbeat batch that arrives whole): no copy.
  const only = chunks.length === 1 ? chunks[0]! : null;
  if (only && only.buffer instanceof ArrayBuffer) return only as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** True when the request declares (Content-Length) more than `limit` bytes: refused unread. */
export function declaresMoreThan(headers: Headers, limit: number): boolean {
  const declared = headers.get("content-length");
  return declared !== null && Number(declared) > limit;
}

/**
 * A copy of `request` whose body is `body` (already read), for handlers that read bodies
 * themselves (Better Auth, SvelteKit's form actions).
 */
export function withBody(request: Request, body: Uint8Array<ArrayBuffer>): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  return new Request(request.url, { method: request.method, headers, body, redirect: request.redirect, signal: request.signal });
}
